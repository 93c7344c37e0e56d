export * from './calendar';
export * from './policy-document';
export * from './policy-versions';
export * from './top-up-amounts';
export * from './validity-engine';
