import 'reflect-metadata';
import { runSubgraphMain } from '../../common/src/subgraph-main';
import { refundsSubgraph } from './refunds.subgraph';

runSubgraphMain(refundsSubgraph);
