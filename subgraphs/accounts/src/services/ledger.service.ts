import type { EntityManager } from 'typeorm';
import type { Clock } from '../../../common/src/clock';
import { DomainError, badInput, notFound } from '../../../common/src/errors';
import { assertCents } from '../../../common/src/money';
import type { TransactionRunner } from '../../../common/src/transaction';
import { AccountEntity } from '../entities/account.entity';
import { LEDGER_KINDS, LedgerEntryEntity } from '../entities/ledger-entry.entity';
import type { LedgerKind } from '../entities/ledger-entry.entity';

export interface PostingInput {
  accountId: string;
  kind: LedgerKind;
  /** Signed cents: positive credits, negative debits. */
  amountCents: number;
  /** Unique per account; a retry with the same reference returns the first result. */
  reference: string;
  reason: string;
  /** Only delayed charges on brands that allow it may take the balance below zero. */
  allowNegative?: boolean;
}

export interface PostingResult {
  entry: LedgerEntryEntity;
  account: AccountEntity;
  /** True when this call was a retry and nothing moved. */
  replayed: boolean;
}

const REFERENCE = /^[\w:.\-/]{1,128}$/;

export class LedgerService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /** Appends one entry and moves the cached balance in the same transaction, exactly once per reference. */
  async post(input: PostingInput): Promise<PostingResult> {
    this.validate(input);
    return this.transactions.run((manager) => this.postWithin(manager, input));
  }

  async postWithin(manager: EntityManager, input: PostingInput): Promise<PostingResult> {
    this.validate(input);
    const account = await this.transactions
      .forUpdate(manager.getRepository(AccountEntity).createQueryBuilder('account'))
      .where('account.id = :id', { id: input.accountId })
      .getOne();
    if (!account) throw notFound('Account', input.accountId);

    const entries = manager.getRepository(LedgerEntryEntity);
    const previous = await entries.findOneBy({ accountId: input.accountId, reference: input.reference });
    if (previous) {
      if (previous.amountCents !== input.amountCents || previous.kind !== input.kind) {
        throw new DomainError('CONFLICT', `Reference ${input.reference} was already used for a different amount`, {
          reference: input.reference,
        });
      }
      return { entry: previous, account, replayed: true };
    }

    const balanceAfter = account.balanceCents + input.amountCents;
    if (input.amountCents < 0 && balanceAfter < 0 && !input.allowNegative) {
      throw new DomainError('INSUFFICIENT_CREDIT', 'The balance does not cover this amount', {
        balanceCents: account.balanceCents,
        requestedCents: -input.amountCents,
      });
    }
    const now = this.clock.now();
    const entry = entries.create({
      accountId: input.accountId,
      kind: input.kind,
      amountCents: input.amountCents,
      balanceAfterCents: balanceAfter,
      reference: input.reference,
      reason: input.reason,
      createdAt: now,
    });
    await entries.insert(entry);
    await manager
      .getRepository(AccountEntity)
      .update({ id: account.id }, { balanceCents: balanceAfter, updatedAt: now });
    account.balanceCents = balanceAfter;
    account.updatedAt = now;
    return { entry, account, replayed: false };
  }

  private validate(input: PostingInput): void {
    assertCents(input.amountCents);
    if (input.amountCents === 0) throw badInput('amount must not be 0', 'amount');
    if (!LEDGER_KINDS.includes(input.kind)) throw badInput(`Unknown ledger kind ${input.kind}`, 'kind');
    if (!REFERENCE.test(input.reference)) {
      throw badInput('reference must be 1-128 characters of letters, digits and :._-/', 'reference');
    }
    if (!input.reason.trim() || input.reason.length > 255) throw badInput('reason must be 1-255 characters', 'reason');
  }
}
