import 'reflect-metadata';
import { runSubgraphMain } from '../../common/src/subgraph-main';
import { accountsSubgraph } from './accounts.subgraph';

runSubgraphMain(accountsSubgraph);
