import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'shell-quote';
import type { ParseEntry } from 'shell-quote';
import type { AccessTokenClaims } from '../gateway/src/jwt';
import { SUBGRAPH_NAMES, loadConfig } from '../subgraphs/common/src/config';
import { projectRoot } from '../subgraphs/common/src/paths';
import type { Role } from '../subgraphs/common/src/principal';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

const README = readFileSync(join(projectRoot(), 'README.md'), 'utf8');

/** What `npm start` itself does; the test starts the same stack (with the demo data) instead. */
const STACK_COMMANDS = new Set(['npm install && npm start', 'npm test']);

interface Example {
  language: 'sh' | 'graphql';
  code: string;
  line: number;
  /** The prose between the previous heading or block and this one: it names the token to use. */
  lead: string;
}

function readmeExamples(): Example[] {
  const examples: Example[] = [];
  let previousEnd = 0;
  for (const match of README.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    const before = README.slice(previousEnd, match.index);
    previousEnd = match.index + match[0].length;
    if (match[1] !== 'sh' && match[1] !== 'graphql') continue;
    examples.push({
      language: match[1],
      code: match[2]!,
      line: README.slice(0, match.index).split('\n').length + 1,
      lead: before.slice(before.lastIndexOf('\n#') + 1),
    });
  }
  return examples;
}

/** The claims `npm run token -- <args>` puts into its token (scripts/token.ts). */
function tokenClaims(args: string[]): Partial<AccessTokenClaims> & Pick<AccessTokenClaims, 'role'> {
  const { values } = parseArgs({
    args,
    options: { role: { type: 'string' }, brand: { type: 'string' }, account: { type: 'string' }, subject: { type: 'string' }, expires: { type: 'string' } },
  });
  if (!values.role) throw new Error(`npm run token ${args.join(' ')} names no role`);
  return {
    role: values.role as Role,
    ...(values.brand ? { brand: values.brand } : {}),
    ...(values.account ? { account_id: values.account } : {}),
  };
}

function words(entries: ParseEntry[]): string[] {
  return entries.map((entry) => (typeof entry === 'string' ? entry : 'op' in entry ? entry.op : ''));
}

interface Answer {
  command: string;
  status: number;
  body: unknown;
}

/**
 * Runs the README's shell examples line by line, the way bash would for the commands they use:
 * variables, `$(npm run --silent token -- …)`, the HMAC of `openssl dgst -sha256 -hmac`, one-line
 * functions and curl. Anything else fails the test, so an example cannot slip past it.
 */
class ShellSession {
  private readonly variables = new Map<string, string>();
  private readonly functions = new Map<string, string>();
  readonly answers: Answer[] = [];

  constructor(
    private readonly stack: TestStack,
    private readonly origins: ReadonlyMap<number, string>,
  ) {}

  async run(script: string): Promise<void> {
    for (const rawLine of script.replace(/\\\n\s*/g, ' ').split('\n')) {
      const line = rawLine.trim();
      if (line && !line.startsWith('#') && !STACK_COMMANDS.has(line)) await this.line(line);
    }
  }

  private lookup(positional: string[]): (name: string) => string {
    return (name) => {
      const value = /^\d+$/.test(name) ? positional[Number(name) - 1] : this.variables.get(name);
      if (value === undefined) throw new Error(`README uses $${name} before setting it`);
      return value;
    };
  }

  private async line(line: string): Promise<void> {
    const substitution = /^(\w+)=\$\((.*)\)$/.exec(line);
    if (substitution) {
      this.variables.set(substitution[1]!, await this.capture(parse(substitution[2]!, this.lookup([]))));
      return;
    }
    const definition = /^(\w+)\(\)\s*\{(.*)\}$/.exec(line);
    if (definition) {
      this.functions.set(definition[1]!, definition[2]!);
      return;
    }
    const entries = parse(line, this.lookup([]));
    const [first, ...rest] = entries;
    if (typeof first === 'string' && entries.length === 1 && /^\w+=/.test(first)) {
      this.variables.set(first.slice(0, first.indexOf('=')), first.slice(first.indexOf('=') + 1));
      return;
    }
    if (typeof first === 'string' && this.functions.has(first)) {
      await this.commands(parse(this.functions.get(first)!, this.lookup(words(rest))), line);
      return;
    }
    await this.commands(entries, line);
  }

  private async commands(entries: ParseEntry[], line: string): Promise<void> {
    let command: string[] = [];
    for (const entry of [...entries, { op: ';' as const }]) {
      if (typeof entry !== 'string') {
        if (!('op' in entry) || entry.op !== ';') throw new Error(`README command the test cannot run: ${line}`);
        if (command[0] === 'curl') await this.curl(command.slice(1), line);
        else if (command.length > 0 && command[0] !== 'echo') throw new Error(`README command the test cannot run: ${line}`);
        command = [];
      } else {
        command.push(entry);
      }
    }
  }

  private async capture(entries: ParseEntry[]): Promise<string> {
    const command = words(entries);
    if (command.slice(0, 5).join(' ') === 'npm run --silent token --') return this.stack.token(tokenClaims(command.slice(5)));
    // printf '%s' "$BODY" | openssl dgst -sha256 -hmac SECRET | sed 's/^.* //'
    if (command.length === 12 && command.slice(0, 2).join(' ') === 'printf %s' && command.slice(3, 8).join(' ') === '| openssl dgst -sha256 -hmac' && command.slice(9).join(' ') === "| sed s/^.* //") {
      return createHmac('sha256', command[8]!).update(command[2]!).digest('hex');
    }
    throw new Error(`README command substitution the test cannot run: $(${command.join(' ')})`);
  }

  private async curl(args: string[], line: string): Promise<void> {
    const headers: Record<string, string> = {};
    let body: string | undefined;
    let target: string | undefined;
    for (let index = 0; index < args.length; index += 1) {
      const arg = args[index]!;
      if (arg === '-s') continue;
      if (arg === '-H') {
        const header = args[(index += 1)]!;
        headers[header.slice(0, header.indexOf(':')).trim().toLowerCase()] = header.slice(header.indexOf(':') + 1).trim();
      } else if (arg === '-d') {
        body = args[(index += 1)];
      } else if (!arg.startsWith('-') && target === undefined) {
        target = arg;
      } else {
        throw new Error(`curl option the test does not know: ${arg} in ${line}`);
      }
    }
    const readmeUrl = new URL(`http://${target}`);
    expect(['localhost', '127.0.0.1']).toContain(readmeUrl.hostname);
    const origin = this.origins.get(Number(readmeUrl.port));
    if (!origin) throw new Error(`README calls port ${readmeUrl.port}, which is no service of npm start`);
    const response = await fetch(`${origin}${readmeUrl.pathname}`, { method: body === undefined ? 'GET' : 'POST', headers, body, signal: AbortSignal.timeout(15_000) });
    const text = await response.text();
    const answer = { command: line, status: response.status, body: text.startsWith('{') ? (JSON.parse(text) as unknown) : text };
    this.answers.push(answer);
    expect({ command: line, status: response.status }).toEqual({ command: line, status: 200 });
    if (readmeUrl.pathname === '/graphql') expectData(answer);
  }
}

function expectData(answer: Answer): void {
  const body = answer.body as { data?: unknown; errors?: unknown };
  expect({ command: answer.command, errors: body.errors }).toEqual({ command: answer.command, errors: undefined });
  expect(body.data).toEqual(expect.any(Object));
}

const EXAMPLES = readmeExamples();

describe('README examples against a started stack with the demo data', () => {
  let stack: TestStack;
  /** The README's ports (the defaults of npm start) to where this stack's services listen. */
  const origins = new Map<number, string>();

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.seedDemoData();
    const defaults = loadConfig({}).ports;
    origins.set(defaults.gateway, new URL(stack.gateway.url).origin);
    for (const name of SUBGRAPH_NAMES) origins.set(defaults[name], new URL(stack.subgraphs[name].url).origin);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('finds the examples: GraphQL and shell, each GraphQL one with the token it needs', () => {
    expect(EXAMPLES.filter((example) => example.language === 'graphql').length).toBeGreaterThanOrEqual(1);
    expect(EXAMPLES.filter((example) => example.language === 'sh' && /curl|gql /.test(example.code)).length).toBeGreaterThanOrEqual(2);
  });

  it.each(EXAMPLES.map((example) => [`${example.language} at README.md:${example.line}`, example] as const))('%s works as written', async (_name, example) => {
    if (example.language === 'sh') {
      const session = new ShellSession(stack, origins);
      await session.run(example.code);
      const calls = example.code.split('\n').filter((line) => /^\s*(curl|gql) /.test(line)).length;
      expect(session.answers).toHaveLength(calls);
      return;
    }
    const tokens = [...example.lead.matchAll(/npm run (?:--silent )?token -- ([^`\n]+)/g)].map((match) => words(parse(match[1]!)));
    if (tokens.length === 0) throw new Error(`README.md:${example.line}: the text before this example names no token (npm run token -- …)`);
    for (const args of tokens) {
      const answer = await stack.query(await stack.token(tokenClaims(args)), example.code);
      expectData({ command: `npm run token -- ${args.join(' ')}`, status: 200, body: answer });
    }
  });
});
