import { expect } from 'chai';
import * as path from 'path';
import { compileProgram } from './helpers/compile-program';
import { FACADE_ENTRY } from './helpers/kafka-modules';

const PROGRAM = path.join(__dirname, 'facade-types', 'whole-api.ts');

describe("adapter facade types: every class and method of kafka-node's declarations", function () {
  this.timeout(60000);

  it('the program is valid kafka-node 5 TypeScript', () => {
    expect(compileProgram([PROGRAM]).diagnostics).to.deep.equal([]);
  });

  it('it compiles unchanged against the facade', () => {
    expect(compileProgram([PROGRAM], FACADE_ENTRY).diagnostics).to.deep.equal([]);
  });
});
