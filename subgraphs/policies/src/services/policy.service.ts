import { In } from 'typeorm';
import type { Repository } from 'typeorm';
import type { Clock } from '../../../common/src/clock';
import { DomainError, badInput, notFound } from '../../../common/src/errors';
import { assertPolicyDocument, parsePolicyDocument, POLICY_SCHEMA_VERSION } from '../../../common/src/policy/policy-document';
import type { PolicyDocument } from '../../../common/src/policy/policy-document';
import { versionInForce } from '../../../common/src/policy/policy-versions';
import type { Principal } from '../../../common/src/principal';
import type { TransactionRunner } from '../../../common/src/transaction';
import { BrandPolicyAuditEntity } from '../entities/brand-policy-audit.entity';
import { BrandPolicyEntity } from '../entities/brand-policy.entity';
import { BrandEntity } from '../entities/brand.entity';
import { changedPaths } from './document-diff';

export interface BrandPolicyVersion {
  brandCode: string;
  version: number;
  effectiveFrom: Date;
  publishedAt: Date;
  policy: PolicyDocument;
}

export interface BrandPolicyAuditRecord {
  id: string;
  brandCode: string;
  version: number;
  action: string;
  actor: string;
  actorRole: string;
  at: Date;
  effectiveFrom: Date;
  beforeVersion: number | null;
  before: PolicyDocument | null;
  after: PolicyDocument;
  changedFields: string[];
}

/** The payout rules that are fixed by law: an admin may restate them but never change them. */
const FIXED_PAYOUT_RULES = {
  onTermination: true,
  feeCents: 0,
  deductsSimDeposit: false,
  deductsPortingFee: false,
  includesInactiveCredit: true,
} as const;

function toVersion(row: BrandPolicyEntity): BrandPolicyVersion {
  return {
    brandCode: row.brandCode,
    version: row.version,
    effectiveFrom: row.effectiveFrom,
    publishedAt: row.publishedAt,
    policy: assertPolicyDocument(JSON.parse(row.document)),
  };
}

function toAuditRecord(row: BrandPolicyAuditEntity): BrandPolicyAuditRecord {
  const before = row.beforeDocument === null ? null : assertPolicyDocument(JSON.parse(row.beforeDocument));
  const after = assertPolicyDocument(JSON.parse(row.afterDocument));
  return {
    id: String(row.id),
    brandCode: row.brandCode,
    version: row.version,
    action: row.action,
    actor: row.actor,
    actorRole: row.actorRole,
    at: row.actedAt,
    effectiveFrom: row.effectiveFrom,
    beforeVersion: row.beforeVersion,
    before,
    after,
    changedFields: before === null ? [] : changedPaths(before, after),
  };
}

/** Turns GraphQL input (class instances, omitted fields) into a plain document for the schema to judge. */
export function documentFromInput(input: object): unknown {
  const plain = JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
  const payout = Object.fromEntries(
    Object.entries((plain.payout ?? {}) as Record<string, unknown>).filter(([, value]) => value !== null),
  );
  return { ...plain, schemaVersion: POLICY_SCHEMA_VERSION, payout: { ...FIXED_PAYOUT_RULES, ...payout } };
}

/** Versioned brand policies: reading the version in force at a moment, and publishing audited changes. */
export class PolicyService {
  /**
   * Parsed versions per brand, with the newest version number they include. Versions are never
   * changed or deleted, only added, so a cached list is still right as long as the newest
   * version in the database is the one it ends with (checked with one small query per request).
   */
  private readonly parsed = new Map<string, { newest: number; versions: readonly BrandPolicyVersion[] }>();

  constructor(
    private readonly versions: Repository<BrandPolicyEntity>,
    private readonly audits: Repository<BrandPolicyAuditEntity>,
    private readonly transactions: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  /** All versions of each brand, oldest first (the loader behind every policy field). */
  async versionsOf(codes: readonly string[]): Promise<BrandPolicyVersion[][]> {
    if (codes.length === 0) return [];
    const newest = new Map<string, number>();
    const heads = await this.versions
      .createQueryBuilder('policy')
      .select('policy.brandCode', 'brandCode')
      .addSelect('MAX(policy.version)', 'newest')
      .where('policy.brandCode IN (:...codes)', { codes: [...codes] })
      .groupBy('policy.brandCode')
      .getRawMany<{ brandCode: string; newest: number | string }>();
    for (const head of heads) newest.set(head.brandCode, Number(head.newest));
    const stale = [...newest].filter(([code, version]) => this.parsed.get(code)?.newest !== version).map(([code]) => code);
    if (stale.length > 0) {
      const rows = await this.versions.find({ where: { brandCode: In(stale) }, order: { version: 'ASC' } });
      const byBrand = new Map<string, BrandPolicyVersion[]>(stale.map((code) => [code, []]));
      for (const row of rows) byBrand.get(row.brandCode)?.push(toVersion(row));
      for (const [code, versions] of byBrand) {
        // A publish between the two queries makes the list longer than `newest`: keep what was read.
        this.parsed.set(code, { newest: versions.at(-1)?.version ?? 0, versions });
      }
    }
    return codes.map((code) => (newest.has(code) ? [...(this.parsed.get(code)?.versions ?? [])] : []));
  }

  /** The version in force at `at` (now when omitted); past events are judged by the version of their time. */
  inForce(versions: readonly BrandPolicyVersion[], at: Date = this.clock.now()): BrandPolicyVersion | null {
    return versionInForce(versions, at);
  }

  async inForceFor(codes: readonly string[], at: Date | null): Promise<BrandPolicyVersion[]> {
    const moment = at ?? this.clock.now();
    const all = await this.versionsOf(codes);
    return codes.map((code, index) => {
      const version = this.inForce(all[index]!, moment);
      if (!version) throw notFound('Brand policy', `${code} at ${moment.toISOString()}`);
      return version;
    });
  }

  async publish(principal: Principal, brandCode: string, effectiveFrom: Date | null, input: object): Promise<BrandPolicyVersion> {
    const parsed = parsePolicyDocument(documentFromInput(input));
    if (!parsed.ok) {
      const fields = parsed.issues.map((issue) => ({ field: `policy.${issue.field}`, problem: issue.message }));
      const first = fields[0]!;
      throw new DomainError('BAD_USER_INPUT', `Invalid policy: ${first.field} ${first.problem}`, { field: first.field, fields });
    }
    const now = this.clock.now();
    const from = effectiveFrom ?? now;
    if (Number.isNaN(from.getTime())) throw badInput('effectiveFrom must be a valid date', 'effectiveFrom');
    if (from.getTime() < now.getTime()) {
      // A past date would change how events that already happened are judged.
      throw badInput('effectiveFrom must not be in the past; omit it to publish with immediate effect', 'effectiveFrom');
    }
    const document = JSON.stringify(parsed.policy);
    return this.transactions.run(async (manager) => {
      // Locking the brand row serializes publishers, so version numbers never collide.
      const brand = await this.transactions
        .forUpdate(manager.getRepository(BrandEntity).createQueryBuilder('brand').where('brand.code = :code', { code: brandCode }))
        .getOne();
      if (!brand) throw notFound('Brand', brandCode);
      const policies = manager.getRepository(BrandPolicyEntity);
      const latest = await policies.findOne({ where: { brandCode }, order: { version: 'DESC' } });
      const row = policies.create({
        brandCode,
        version: (latest?.version ?? 0) + 1,
        effectiveFrom: from,
        document,
        publishedAt: now,
        publishedBy: principal.subject,
      });
      await policies.insert(row);
      await manager.getRepository(BrandPolicyAuditEntity).insert({
        brandCode,
        version: row.version,
        action: 'PUBLISHED',
        actor: principal.subject,
        actorRole: principal.role,
        actedAt: now,
        effectiveFrom: from,
        beforeVersion: latest?.version ?? null,
        beforeDocument: latest?.document ?? null,
        afterDocument: document,
      });
      return toVersion(row);
    });
  }

  /** Changes newest first, optionally for one brand. */
  async auditTrail(brandCode: string | null, first: number): Promise<BrandPolicyAuditRecord[]> {
    if (!Number.isInteger(first) || first < 1 || first > 500) throw badInput('first must be between 1 and 500', 'first');
    const rows = await this.audits.find({
      where: brandCode ? { brandCode } : {},
      order: { id: 'DESC' },
      take: first,
    });
    return rows.map(toAuditRecord);
  }
}
