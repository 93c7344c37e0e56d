import 'reflect-metadata';
import { runSubgraphMain } from '../../common/src/subgraph-main';
import { policiesSubgraph } from './policies.subgraph';

runSubgraphMain(policiesSubgraph);
