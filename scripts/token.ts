import { parseArgs } from 'node:util';
import { issueDevelopmentToken } from '../gateway/src/jwt';
import { config } from '../subgraphs/common/src/config';
import { ROLES } from '../subgraphs/common/src/principal';
import type { Role } from '../subgraphs/common/src/principal';

const USAGE = `usage: npm run token -- --role <${ROLES.join('|')}> [--brand CODE] [--account ID] [--subject NAME] [--expires 12h]
  partner needs --brand, customer needs --account`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      brand: { type: 'string' },
      account: { type: 'string' },
      subject: { type: 'string' },
      expires: { type: 'string', default: '12h' },
    },
  });
  const role = values.role as Role | undefined;
  if (!role || !ROLES.includes(role)) throw new Error(USAGE);
  const token = await issueDevelopmentToken(
    config(),
    {
      sub: values.subject ?? `dev-${role}${values.brand ? `-${values.brand.toLowerCase()}` : ''}`,
      role,
      ...(values.brand ? { brand: values.brand } : {}),
      ...(values.account ? { account_id: values.account } : {}),
    },
    values.expires,
  );
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
