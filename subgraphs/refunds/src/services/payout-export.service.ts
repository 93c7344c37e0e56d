import { randomUUID } from 'node:crypto';
import type { Repository } from 'typeorm';
import type { Clock } from '../../../common/src/clock';
import { notFound } from '../../../common/src/errors';
import type { Logger } from '../../../common/src/logger';
import type { Principal } from '../../../common/src/principal';
import type { TransactionRunner } from '../../../common/src/transaction';
import { PayoutBatchEntity } from '../entities/payout-batch.entity';
import { PayoutEntity } from '../entities/payout.entity';
import type { RefundsSettings } from '../refunds-settings';
import type { IbanCipher } from './iban-cipher';
import type { PayoutService } from './payout.service';
import { berlinDate } from './quarter';
import { buildSepaCreditTransfer } from './sepa-credit-transfer.builder';

/** One file holds at most this many transfers; the rest goes into the next export. */
const MAX_TRANSFERS_PER_FILE = 1000;

/** Sends executed (approved and debited) payouts to the bank as a pain.001.001.03 file. */
export class PayoutExportService {
  constructor(
    private readonly batches: Repository<PayoutBatchEntity>,
    private readonly transactions: TransactionRunner,
    private readonly payouts: PayoutService,
    private readonly cipher: IbanCipher,
    private readonly settings: RefundsSettings,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Puts every payout waiting for the bank into a new batch; null when there is none. */
  async export(principal: Principal): Promise<PayoutBatchEntity | null> {
    const batch = await this.transactions.run(async (manager) => {
      const payouts = await this.payouts.exportable(manager, MAX_TRANSFERS_PER_FILE);
      if (payouts.length === 0) return null;
      const now = this.clock.now();
      const id = randomUUID();
      const entity = manager.getRepository(PayoutBatchEntity).create({
        id,
        // Max35Text, unique per file: the bank refuses a message id it has seen.
        messageId: `GUTHABEN-${berlinDate(now).replace(/-/g, '')}-${id.replace(/-/g, '').slice(0, 16)}`,
        executionDate: berlinDate(now),
        transactionCount: payouts.length,
        controlSumCents: payouts.reduce((sum, payout) => sum + payout.amountCents, 0),
        createdBy: `${principal.role}:${principal.subject}`.slice(0, 200),
        createdAt: now,
      });
      await manager.getRepository(PayoutBatchEntity).insert(entity);
      await manager
        .getRepository(PayoutEntity)
        .createQueryBuilder()
        .update()
        .set({ batchId: id, updatedAt: now })
        .whereInIds(payouts.map((payout) => payout.id))
        .execute();
      return entity;
    });
    if (batch) this.logger.info({ batchId: batch.id, transactions: batch.transactionCount, controlSumCents: batch.controlSumCents }, 'SEPA batch exported');
    return batch;
  }

  async get(id: string): Promise<PayoutBatchEntity> {
    const batch = await this.batches.findOneBy({ id });
    if (!batch) throw notFound('PayoutBatch', id);
    return batch;
  }

  /** Rebuilt from the payouts on every read, so clear IBANs are never stored. */
  async xml(batch: PayoutBatchEntity): Promise<string> {
    const payouts = await this.payouts.inBatch(batch.id);
    const { xml } = buildSepaCreditTransfer({
      messageId: batch.messageId,
      createdAt: batch.createdAt,
      executionDate: batch.executionDate,
      debtor: this.settings.debtor,
      transfers: payouts.map((payout) => ({
        endToEndId: payout.id.replace(/-/g, ''),
        amountCents: payout.amountCents,
        creditorName: payout.holderName ?? '',
        creditorIban: this.cipher.decrypt(payout.ibanEncrypted ?? ''),
        remittance: `Auszahlung Restguthaben ${payout.reason === 'QUARTERLY' ? `Quartal ${payout.quarterLabel ?? ''}` : 'Vertragsende'} ${payout.id}`,
      })),
    });
    return xml;
  }

  payoutIds(batchId: string): Promise<string[]> {
    return this.payouts.inBatch(batchId).then((payouts) => payouts.map((payout) => payout.id));
  }
}
