import { Arg, Ctx, Directive, Field, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Allow } from '../access';
import type { SubgraphName } from '../config';
import type { SubgraphContext } from '../context';
import { badInput } from '../errors';
import type { OutboxRelay } from '../outbox/outbox.service';

/** The relay name an operator passes to run one relay pass. */
export const RELAY_JOB = 'outbox-relay';

/** A subgraph's background work an operator may inspect and run once: its relay and its named jobs. */
export interface BackgroundWork {
  relay?: OutboxRelay;
  /** The same work the subgraph's timers run, by the name its runs are counted under in /metrics. */
  jobs: Record<string, () => Promise<unknown>>;
}

/** What the background-work resolver needs from the request context. */
export interface BackgroundWorkContext {
  backgroundWork?: BackgroundWork;
}

@Directive('@shareable')
@ObjectType('OutboxTopicBacklog', { description: 'Undelivered messages of one outbox topic.' })
export class OutboxTopicBacklogType {
  @Field(() => String, { description: 'The topic (what is delivered where).' })
  topic!: string;

  @Field(() => Int, { description: 'Messages not delivered yet.' })
  pending!: number;

  @Field(() => Int, { description: 'Of those, messages whose delivery failed at least once.' })
  retrying!: number;

  @Field(() => Date, { nullable: true, description: 'When the oldest undelivered message was written.' })
  oldestCreatedAt!: Date | null;
}

@Directive('@shareable')
@ObjectType('BackgroundWork', { description: 'A service\'s background work: its outbox backlog and the jobs an admin may run once.' })
export class BackgroundWorkType {
  @Field(() => String, { description: 'The service.' })
  service!: string;

  @Field(() => [OutboxTopicBacklogType], { description: 'Outbox backlog per topic; topics without backlog are left out.' })
  outbox!: OutboxTopicBacklogType[];

  @Field(() => [String], { description: `Jobs that can be run once, including ${RELAY_JOB} (one relay pass).` })
  jobs!: string[];
}

@Directive('@shareable')
@ObjectType('BackgroundRun', { description: 'The outcome of running a background job once.' })
export class BackgroundRunType {
  @Field(() => String, { description: 'The job that ran.' })
  job!: string;

  @Field(() => Int, { description: 'How long the run took, in milliseconds.' })
  ms!: number;

  @Field(() => Int, { nullable: true, description: 'Relay pass only: messages delivered.' })
  delivered!: number | null;

  @Field(() => Int, { nullable: true, description: 'Relay pass only: deliveries that failed (retried later).' })
  failed!: number | null;
}

function work(context: BackgroundWorkContext): BackgroundWork {
  return context.backgroundWork ?? { jobs: {} };
}

function audit(context: SubgraphContext<unknown, unknown>, action: string, details: Record<string, unknown> = {}): void {
  context.logger.info({ audit: true, role: context.principal.role, subject: context.principal.subject, action, ...details }, 'audit: background work');
}

/**
 * Admin-only, audited access to one subgraph's background work, as `<service>BackgroundWork` and
 * `run<Service>BackgroundJob(job)`: each subgraph owns its own fields, so the gateway routes them
 * without a shared root field. Runbooks and tests use it to see relay backlog and drive work now.
 */
export function createBackgroundWorkResolver(service: SubgraphName): new () => object {
  const title = service.charAt(0).toUpperCase() + service.slice(1);

  @Resolver()
  class BackgroundWorkResolver {
    @Allow('admin')
    @Query(() => BackgroundWorkType, { name: `${service}BackgroundWork`, description: `The ${service} service's outbox backlog per topic and its jobs (admin).` })
    async backgroundWork(@Ctx() context: SubgraphContext<unknown, unknown> & BackgroundWorkContext): Promise<BackgroundWorkType> {
      audit(context, 'read backlog', { service });
      const { relay, jobs } = work(context);
      return {
        service,
        outbox: relay ? await relay.backlog() : [],
        jobs: [...(relay ? [RELAY_JOB] : []), ...Object.keys(jobs)],
      };
    }

    @Allow('admin')
    @Mutation(() => BackgroundRunType, { name: `run${title}BackgroundJob`, description: `Runs one of the ${service} service's jobs (or one relay pass) now, once (admin).` })
    async runBackgroundJob(
      @Arg('job', () => String, { description: `A name from ${service}BackgroundWork.jobs.` }) job: string,
      @Ctx() context: SubgraphContext<unknown, unknown> & BackgroundWorkContext,
    ): Promise<BackgroundRunType> {
      const { relay, jobs } = work(context);
      const run = job === RELAY_JOB && relay ? () => relay.runOnce() : jobs[job];
      if (!run) throw badInput(`Unknown job "${job.slice(0, 100)}"`, 'job');
      audit(context, 'run job', { service, job });
      const started = Date.now();
      const result = (await run()) as { delivered?: unknown; failed?: unknown } | undefined;
      const count = (value: unknown): number | null => (typeof value === 'number' ? value : null);
      return { job, ms: Date.now() - started, delivered: job === RELAY_JOB ? count(result?.delivered) : null, failed: job === RELAY_JOB ? count(result?.failed) : null };
    }
  }
  return BackgroundWorkResolver;
}
