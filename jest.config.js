/** Unit tests (*.spec.ts beside the code), integration (subgraphs/<name>/test) and end-to-end (test/). */
module.exports = {
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata'],
  testMatch: ['<rootDir>/subgraphs/**/*.spec.ts', '<rootDir>/bench/**/*.spec.ts', '<rootDir>/subgraphs/*/test/**/*.test.ts', '<rootDir>/gateway/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  // jose and dinero.js ship only ES modules; jest's CommonJS runtime needs them transpiled.
  transformIgnorePatterns: ['/node_modules/(?!(jose|dinero\\.js)/)'],
  testTimeout: 60000,
  maxWorkers: 2,
};
