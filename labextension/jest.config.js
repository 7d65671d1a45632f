// Unit tests of the DOM-free layers (api.ts, model.ts and their helpers).
// @jupyterlab/services is mapped to its ServerConnection module alone: the
// real makeRequest (token + XSRF headers) runs, without loading the kernel
// and websocket machinery the index pulls in.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }]
  },
  moduleNameMapper: {
    '^@jupyterlab/services$': '<rootDir>/node_modules/@jupyterlab/services/lib/serverconnection.js'
  }
};
