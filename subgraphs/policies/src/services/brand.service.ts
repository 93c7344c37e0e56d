import { In } from 'typeorm';
import type { Repository } from 'typeorm';
import { notFound } from '../../../common/src/errors';
import { BrandEntity } from '../entities/brand.entity';
import type { BrandType } from '../types/brand.type';
import type { BrandPolicyVersion, PolicyService } from './policy.service';

const NULLABLE_FACTS = ['network', 'balanceQueryCode', 'validityQueryCode', 'validitySummary'] as const;

/** Network and USSD codes come from the policy in force, so a published change shows everywhere at once. */
function toBrand(entity: BrandEntity, current: BrandPolicyVersion | null): BrandType {
  const brand: BrandType = {
    code: entity.code,
    name: entity.name,
    network: current ? current.policy.network : (entity.network as BrandType['network']),
    balanceQueryCode: current ? current.policy.balanceQueryCode : entity.balanceQueryCode,
    validityQueryCode: current ? current.policy.validityQueryCode : entity.validityQueryCode,
    validitySummary: entity.validitySummary,
    unknownFacts: [],
  };
  brand.unknownFacts = NULLABLE_FACTS.filter((fact) => brand[fact] === null);
  return brand;
}

export class BrandService {
  constructor(
    private readonly brands: Repository<BrandEntity>,
    private readonly policies: PolicyService,
  ) {}

  private async withPolicies(rows: BrandEntity[]): Promise<BrandType[]> {
    const versions = await this.policies.versionsOf(rows.map((row) => row.code));
    return rows.map((row, index) => toBrand(row, this.policies.inForce(versions[index]!)));
  }

  async list(): Promise<BrandType[]> {
    return this.withPolicies(await this.brands.find({ order: { code: 'ASC' } }));
  }

  async get(code: string): Promise<BrandType> {
    const row = await this.brands.findOneBy({ code });
    if (!row) throw notFound('Brand', code);
    const [brand] = await this.withPolicies([row]);
    return brand!;
  }

  async findByCodes(codes: readonly string[]): Promise<(BrandType | undefined)[]> {
    const rows = await this.brands.findBy({ code: In([...codes]) });
    const byCode = new Map((await this.withPolicies(rows)).map((brand) => [brand.code, brand]));
    return codes.map((code) => byCode.get(code));
  }
}
