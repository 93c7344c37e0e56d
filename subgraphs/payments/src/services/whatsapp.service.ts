import { randomUUID } from 'node:crypto';
import type { EntityManager, Repository } from 'typeorm';
import type { Clock } from '../../../common/src/clock';
import { DomainError } from '../../../common/src/errors';
import { digestsEqual, hmacSha256Hex } from '../../../common/src/hmac';
import type { Logger } from '../../../common/src/logger';
import { formatCents } from '../../../common/src/money';
import { enqueueOutboxMessage } from '../../../common/src/outbox/outbox.service';
import type { TransactionRunner } from '../../../common/src/transaction';
import { WhatsAppMessageEntity } from '../entities/whatsapp-message.entity';
import type { TopUpOrderEntity } from '../entities/top-up-order.entity';
import type { WhatsAppSenderPort } from '../ports/whatsapp-sender.port';
import type { TopUpService } from './top-up.service';
import { parseWhatsAppAmount } from './whatsapp-amount.parser';

export const WHATSAPP_SEND_TOPIC = 'whatsapp.send';
export const WHATSAPP_SIGNATURE_HEADER = 'x-hub-signature-256';

interface InboundText {
  id: string;
  from: string;
  text: string;
}

/** Text messages in a WhatsApp Business Cloud API webhook payload; everything else is skipped. */
function inboundTexts(payload: unknown): InboundText[] | null {
  const root = payload as { object?: string; entry?: { changes?: { value?: { messages?: unknown[] } }[] }[] };
  if (root?.object !== 'whatsapp_business_account' || !Array.isArray(root.entry)) return null;
  const texts: InboundText[] = [];
  for (const entry of root.entry) {
    for (const change of entry.changes ?? []) {
      for (const raw of change.value?.messages ?? []) {
        const message = raw as { id?: unknown; from?: unknown; type?: unknown; text?: { body?: unknown } };
        if (message.type !== 'text' || typeof message.id !== 'string' || typeof message.from !== 'string') continue;
        if (typeof message.text?.body !== 'string' || !/^[1-9]\d{7,14}$/.test(message.from)) continue;
        texts.push({ id: message.id.slice(0, 128), from: `+${message.from}`, text: message.text.body.slice(0, 1000) });
      }
    }
  }
  return texts;
}

export interface WhatsAppSendMessage {
  to: string;
  text: string;
  orderId: string | null;
}

/**
 * WhatsApp top-up (Telekom since 2019, congstar since 2018): the customer writes 15, 25 or 50 EUR,
 * gets a payment link, pays, and gets a confirmation. Any other text is answered with the allowed
 * amounts and creates nothing. Replies leave through the outbox, so they are sent once even if the
 * process stops between deciding and sending.
 */
export class WhatsAppService {
  constructor(
    private readonly messages: Repository<WhatsAppMessageEntity>,
    private readonly transactions: TransactionRunner,
    private readonly topUps: TopUpService,
    private readonly paymentLink: (order: TopUpOrderEntity) => string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly appSecret: string,
    private readonly verifyToken: string,
  ) {}

  /** The GET handshake Meta performs when the webhook is registered. */
  verifySubscription(params: URLSearchParams): string | null {
    if (params.get('hub.mode') !== 'subscribe') return null;
    const token = params.get('hub.verify_token') ?? '';
    if (!digestsEqual(hmacSha256Hex(this.appSecret, this.verifyToken), hmacSha256Hex(this.appSecret, token))) return null;
    return params.get('hub.challenge');
  }

  verifySignature(rawBody: Buffer, header: string | undefined): boolean {
    const match = /^sha256=([0-9a-f]{64})$/i.exec(header ?? '');
    return !!match && digestsEqual(hmacSha256Hex(this.appSecret, rawBody), match[1]!.toLowerCase());
  }

  /** Returns how many new messages were handled; a redelivered message id is skipped. */
  async receive(rawBody: Buffer): Promise<number | null> {
    let payload: unknown;
    try {
      payload = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return null;
    }
    const texts = inboundTexts(payload);
    if (!texts) return null;
    let handled = 0;
    for (const text of texts) {
      if (await this.handle(text)) handled += 1;
    }
    return handled;
  }

  private async handle(message: InboundText): Promise<boolean> {
    const fresh = await this.transactions.run(async (manager) => {
      const repository = manager.getRepository(WhatsAppMessageEntity);
      if (await repository.existsBy({ providerMessageId: message.id })) return false;
      await repository.insert({ id: randomUUID(), direction: 'INBOUND', msisdn: message.from, providerMessageId: message.id, text: message.text, orderId: null, createdAt: this.clock.now() });
      return true;
    });
    if (!fresh) return false;

    const account = await this.topUps.findAccountByMsisdn(message.from);
    if (!account) {
      this.logger.info({ msisdnSuffix: message.from.slice(-3) }, 'WhatsApp top-up from a number without account');
      await this.reply(message.from, 'Zu dieser Rufnummer gibt es kein Prepaid-Konto bei uns.', null, `no-account:${message.id}`);
      return true;
    }
    const amountCents = parseWhatsAppAmount(message.text);
    try {
      if (amountCents === null) throw new DomainError('BAD_USER_INPUT', 'not an amount', { acceptedAmountsCents: null });
      await this.topUps.assertAmountAllowed(account, 'WHATSAPP', amountCents);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const accepted = await this.topUps.acceptedAmounts(account, 'WHATSAPP');
      const choices = accepted.map((cents) => formatCents(cents)).join(', ');
      await this.reply(
        message.from,
        `Das können wir leider nicht aufladen. Bitte schreiben Sie nur einen dieser Beträge: ${choices}.`,
        null,
        `refused:${message.id}`,
      );
      return true;
    }
    let order: TopUpOrderEntity;
    try {
      order = await this.topUps.createForAccount(account, amountCents, 'WHATSAPP', `wa:${message.id}`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await this.reply(message.from, `Aufladen ist gerade nicht möglich: ${error.message}`, null, `error:${message.id}`);
      return true;
    }
    await this.reply(
      message.from,
      `Bitte bestätigen Sie Ihre Aufladung über ${formatCents(order.amountCents)} und bezahlen Sie hier: ${this.paymentLink(order)}`,
      order.id,
      `link:${order.id}`,
    );
    return true;
  }

  /** After a WhatsApp top-up has been credited. */
  async confirmCredited(manager: EntityManager, order: TopUpOrderEntity, msisdn: string, balanceCents: number): Promise<void> {
    await enqueueOutboxMessage(manager, this.clock, {
      topic: WHATSAPP_SEND_TOPIC,
      dedupeKey: `whatsapp:confirm:${order.id}`,
      payload: {
        to: msisdn,
        text: `Ihre Aufladung über ${formatCents(order.amountCents)} ist gutgeschrieben. Neues Guthaben: ${formatCents(balanceCents)}.`,
        orderId: order.id,
      } satisfies WhatsAppSendMessage,
    });
  }

  private reply(to: string, text: string, orderId: string | null, dedupe: string): Promise<void> {
    return this.transactions.run((manager) =>
      enqueueOutboxMessage(manager, this.clock, {
        topic: WHATSAPP_SEND_TOPIC,
        dedupeKey: `whatsapp:${dedupe}`.slice(0, 160),
        payload: { to, text, orderId } satisfies WhatsAppSendMessage,
      }),
    );
  }

  conversation(msisdn: string, first: number): Promise<WhatsAppMessageEntity[]> {
    return this.messages.find({ where: { msisdn }, order: { createdAt: 'ASC', id: 'ASC' }, take: first });
  }
}

/** Development adapter: "sending" writes the outbound message into the conversation log. */
export class LoggingWhatsAppSender implements WhatsAppSenderPort {
  constructor(
    private readonly messages: Repository<WhatsAppMessageEntity>,
    private readonly clock: Clock,
  ) {}

  async send(toMsisdn: string, text: string, orderId: string | null): Promise<void> {
    await this.messages.insert({ id: randomUUID(), direction: 'OUTBOUND', msisdn: toMsisdn, providerMessageId: null, text, orderId, createdAt: this.clock.now() });
  }
}
