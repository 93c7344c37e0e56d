import { Table, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { autoIncrementId, timestampColumn } from '../../../common/src/migration';
import { assertPolicyDocument } from '../../../common/src/policy/policy-document';
import { INITIAL_BRAND_POLICIES, INITIAL_POLICY_EFFECTIVE_FROM, INITIAL_POLICY_PUBLISHER } from '../catalogue/brand-policy-catalogue';

/** DATETIME(3) literal in UTC; both SQLite (as TypeORM stores it) and MariaDB read it back unchanged. */
function utcDatetime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

export class CreateBrandPolicies1763800000200 implements MigrationInterface {
  name = 'CreateBrandPolicies1763800000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'brand_policy',
        columns: [
          autoIncrementId(queryRunner),
          { name: 'brand_code', type: 'varchar', length: '32' },
          { name: 'version', type: 'int' },
          timestampColumn('effective_from'),
          { name: 'document', type: 'text' },
          timestampColumn('published_at'),
          { name: 'published_by', type: 'varchar', length: '200' },
        ],
        indices: [
          new TableIndex({ name: 'uq_brand_policy_brand_version', columnNames: ['brand_code', 'version'], isUnique: true }),
          new TableIndex({ name: 'ix_brand_policy_brand_effective', columnNames: ['brand_code', 'effective_from'] }),
        ],
        foreignKeys: [
          { name: 'fk_brand_policy_brand', columnNames: ['brand_code'], referencedTableName: 'brand', referencedColumnNames: ['code'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'brand_policy_audit',
        columns: [
          autoIncrementId(queryRunner),
          { name: 'brand_code', type: 'varchar', length: '32' },
          { name: 'version', type: 'int' },
          { name: 'action', type: 'varchar', length: '32' },
          { name: 'actor', type: 'varchar', length: '200' },
          { name: 'actor_role', type: 'varchar', length: '16' },
          timestampColumn('acted_at'),
          timestampColumn('effective_from'),
          { name: 'before_version', type: 'int', isNullable: true },
          { name: 'before_document', type: 'text', isNullable: true },
          { name: 'after_document', type: 'text' },
        ],
        indices: [
          new TableIndex({ name: 'ix_brand_policy_audit_brand', columnNames: ['brand_code', 'id'] }),
          new TableIndex({ name: 'ix_brand_policy_audit_acted_at', columnNames: ['acted_at'] }),
        ],
        foreignKeys: [
          { name: 'fk_brand_policy_audit_brand', columnNames: ['brand_code'], referencedTableName: 'brand', referencedColumnNames: ['code'] },
        ],
      }),
    );
    // Version 1 is reference data from the domain rules, so it ships with the schema, audited like any change.
    const now = utcDatetime(new Date());
    const effectiveFrom = utcDatetime(INITIAL_POLICY_EFFECTIVE_FROM);
    for (const [code, policy] of Object.entries(INITIAL_BRAND_POLICIES)) {
      const document = JSON.stringify(assertPolicyDocument(policy));
      await queryRunner.query(
        'INSERT INTO brand_policy (brand_code, version, effective_from, document, published_at, published_by) VALUES (?, 1, ?, ?, ?, ?)',
        [code, effectiveFrom, document, now, INITIAL_POLICY_PUBLISHER],
      );
      await queryRunner.query(
        'INSERT INTO brand_policy_audit (brand_code, version, action, actor, actor_role, acted_at, effective_from, before_version, before_document, after_document) VALUES (?, 1, ?, ?, ?, ?, ?, NULL, NULL, ?)',
        [code, 'SEEDED', INITIAL_POLICY_PUBLISHER, 'system', now, effectiveFrom, document],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('brand_policy_audit');
    await queryRunner.dropTable('brand_policy');
  }
}
