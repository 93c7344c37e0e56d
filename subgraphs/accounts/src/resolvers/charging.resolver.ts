import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Allow } from '../../../common/src/access';
import { Money } from '../../../common/src/money';
import { ChargingSessionEntity } from '../entities/charging-session.entity';
import type { AccountsContext } from '../schema';
import {
  StartChargingSessionInput,
  TerminateChargingSessionInput,
  UpdateChargingSessionInput,
} from '../types/charging-inputs.type';

@Resolver(() => ChargingSessionEntity)
export class ChargingResolver {
  @Allow('service')
  @Mutation(() => ChargingSessionEntity, {
    description:
      'Internal (network): start a session and reserve credit. INSUFFICIENT_CREDIT when credit does not cover one unit, SIM_INACTIVE for a SIM that is not active; partial credit grants what fits with finalGrant set.',
  })
  startChargingSession(
    @Arg('input', () => StartChargingSessionInput, { description: 'The initial request.' }) input: StartChargingSessionInput,
    @Ctx() { services }: AccountsContext,
  ): Promise<ChargingSessionEntity> {
    return services.charging.start(input);
  }

  @Allow('service')
  @Mutation(() => ChargingSessionEntity, { description: 'Internal (network): report used units and ask for more.' })
  updateChargingSession(
    @Arg('input', () => UpdateChargingSessionInput, { description: 'The interim request.' }) input: UpdateChargingSessionInput,
    @Ctx() { services }: AccountsContext,
  ): Promise<ChargingSessionEntity> {
    return services.charging.update(input);
  }

  @Allow('service')
  @Mutation(() => ChargingSessionEntity, {
    description: 'Internal (network): end a session, charge the used units as one ledger entry and release the rest. Retries and late terminates never charge twice.',
  })
  terminateChargingSession(
    @Arg('input', () => TerminateChargingSessionInput, { description: 'The final request.' }) input: TerminateChargingSessionInput,
    @Ctx() { services }: AccountsContext,
  ): Promise<ChargingSessionEntity> {
    return services.charging.terminate(input);
  }

  @Allow('service')
  @Mutation(() => Int, {
    description: 'Internal (scheduler): release the reservations of sessions past their validity time; returns how many this call closed.',
  })
  expireStaleChargingSessions(@Ctx() { services }: AccountsContext): Promise<number> {
    return services.charging.expireStaleSessions();
  }

  @Allow('operator', 'admin', 'service')
  @Query(() => ChargingSessionEntity, { description: 'A charging session by id.' })
  chargingSession(
    @Arg('id', () => ID, { description: 'The session id.' }) id: string,
    @Ctx() { services }: AccountsContext,
  ): Promise<ChargingSessionEntity> {
    return services.charging.get(id);
  }

  @FieldResolver(() => Money, { description: 'Price of one unit (0 when zero-rated).' })
  unitPrice(@Root() session: ChargingSessionEntity): Money {
    return Money.ofCents(session.unitPriceCents);
  }

  @FieldResolver(() => Money, { description: 'Credit held for this session now (0 once it has ended).' })
  reserved(@Root() session: ChargingSessionEntity): Money {
    return Money.ofCents(session.reservedCents);
  }

  @FieldResolver(() => Money, { description: 'What the session was charged when it ended.' })
  charged(@Root() session: ChargingSessionEntity): Money {
    return Money.ofCents(session.chargedCents);
  }
}
