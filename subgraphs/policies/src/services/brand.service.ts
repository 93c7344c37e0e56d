import { In } from 'typeorm';
import type { Repository } from 'typeorm';
import { notFound } from '../../../common/src/errors';
import { BrandEntity } from '../entities/brand.entity';
import type { BrandType } from '../types/brand.type';
import type { Network } from '../catalogue/brand-catalogue';

const NULLABLE_FACTS = ['network', 'balanceQueryCode', 'validityQueryCode', 'validitySummary'] as const;

function toBrand(entity: BrandEntity): BrandType {
  const brand: BrandType = {
    code: entity.code,
    name: entity.name,
    network: entity.network as Network | null,
    balanceQueryCode: entity.balanceQueryCode,
    validityQueryCode: entity.validityQueryCode,
    validitySummary: entity.validitySummary,
    unknownFacts: [],
  };
  brand.unknownFacts = NULLABLE_FACTS.filter((fact) => brand[fact] === null);
  return brand;
}

export class BrandService {
  constructor(private readonly brands: Repository<BrandEntity>) {}

  async list(): Promise<BrandType[]> {
    const rows = await this.brands.find({ order: { code: 'ASC' } });
    return rows.map(toBrand);
  }

  async get(code: string): Promise<BrandType> {
    const row = await this.brands.findOneBy({ code });
    if (!row) throw notFound('Brand', code);
    return toBrand(row);
  }

  async findByCodes(codes: readonly string[]): Promise<(BrandType | undefined)[]> {
    const rows = await this.brands.findBy({ code: In([...codes]) });
    const byCode = new Map(rows.map((row) => [row.code, toBrand(row)]));
    return codes.map((code) => byCode.get(code));
  }
}
