import { TableColumn, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wrong voucher codes count per caller and account: five guesses by one caller locked the account's
 * vouchers for an hour for everyone else who may redeem for it. Attempts recorded before have no
 * caller ('') and count for nobody; they would have expired within the hour anyway.
 */
export class VoucherAttemptCaller1763800000217 implements MigrationInterface {
  name = 'VoucherAttemptCaller1763800000217';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('voucher_attempt', new TableColumn({ name: 'caller', type: 'varchar', length: '120', default: "''" }));
    await queryRunner.dropIndex('voucher_attempt', 'ix_voucher_attempt_account_time');
    await queryRunner.createIndex(
      'voucher_attempt',
      new TableIndex({ name: 'ix_voucher_attempt_account_caller_time', columnNames: ['account_id', 'caller', 'attempted_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('voucher_attempt', 'ix_voucher_attempt_account_caller_time');
    await queryRunner.dropColumn('voucher_attempt', 'caller');
    await queryRunner.createIndex('voucher_attempt', new TableIndex({ name: 'ix_voucher_attempt_account_time', columnNames: ['account_id', 'attempted_at'] }));
  }
}
