import 'reflect-metadata';
import { runSubgraphMain } from '../../common/src/subgraph-main';
import { paymentsSubgraph } from './payments.subgraph';

runSubgraphMain(paymentsSubgraph);
