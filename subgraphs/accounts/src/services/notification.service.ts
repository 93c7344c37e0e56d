import type { EntityManager, Repository } from 'typeorm';
import { isDuplicateKeyError } from '../../../common/src/data-source';
import type { Clock } from '../../../common/src/clock';
import { badInput, notFound } from '../../../common/src/errors';
import type { TransactionRunner } from '../../../common/src/transaction';
import { AccountEntity } from '../entities/account.entity';
import { NotificationEntity } from '../entities/notification.entity';
import { assertPageSize } from './ledger.service';

export interface NotificationInputData {
  accountId: string;
  kind: string;
  message: string;
  reference: string;
}

const KIND = /^[A-Z][A-Z0-9_]{0,63}$/;
const REFERENCE = /^[\w:.\-/;@]{1,160}$/;


/** Messages for the customer. Idempotent by (account, reference): a retried producer gets the first one back. */
export class NotificationService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly notifications: Repository<NotificationEntity>,
    private readonly clock: Clock,
  ) {}

  async create(input: NotificationInputData): Promise<NotificationEntity> {
    this.validate(input);
    try {
      return await this.transactions.run(async (manager) => {
        if (!(await manager.getRepository(AccountEntity).existsBy({ id: input.accountId }))) throw notFound('Account', input.accountId);
        return (await this.createWithin(manager, input)).notification;
      });
    } catch (error) {
      // Two first deliveries at once: the unique key lets one in; the other reads it.
      if (!isDuplicateKeyError(error)) throw error;
      return this.notifications.findOneByOrFail({ accountId: input.accountId, reference: input.reference });
    }
  }

  /** In the caller's transaction; returns the existing notification when the reference was used before. */
  async createWithin(manager: EntityManager, input: NotificationInputData): Promise<{ notification: NotificationEntity; created: boolean }> {
    this.validate(input);
    const repository = manager.getRepository(NotificationEntity);
    const existing = await repository.findOneBy({ accountId: input.accountId, reference: input.reference });
    if (existing) return { notification: existing, created: false };
    const notification = repository.create({
      accountId: input.accountId,
      kind: input.kind,
      message: input.message.trim(),
      reference: input.reference,
      createdAt: this.clock.now(),
      readAt: null,
    });
    await repository.insert(notification);
    return { notification, created: true };
  }

  /** Newest first. */
  list(accountId: string, first: number): Promise<NotificationEntity[]> {
    assertPageSize(first);
    return this.notifications.find({ where: { accountId }, order: { id: 'DESC' }, take: first });
  }

  private validate(input: NotificationInputData): void {
    if (typeof input.kind !== 'string' || !KIND.test(input.kind)) {
      throw badInput('kind must be 1-64 characters of capital letters, digits and _, e.g. TERMINATION_NOTICE', 'kind');
    }
    if (typeof input.message !== 'string' || !input.message.trim() || input.message.length > 1000) {
      throw badInput('message must be 1-1000 characters', 'message');
    }
    if (typeof input.reference !== 'string' || !REFERENCE.test(input.reference)) {
      throw badInput('reference must be 1-160 characters of letters, digits and :._-/;@', 'reference');
    }
  }
}
