#!/usr/bin/env node
// Compiles one Solidity source read from stdin with solc 0.8.19 (the npm package's
// compiler) and prints the deployment bytecode of its last contract as hex on stdout.
// Compiler errors go to stderr and the exit code is 1.
'use strict';
const solc = require('solc');

let source = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { source += chunk; });
process.stdin.on('end', () => {
  const input = {
    language: 'Solidity',
    sources: { 'Verifier.sol': { content: source } },
    settings: { outputSelection: { '*': { '*': ['evm.bytecode.object'] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    for (const e of errors) process.stderr.write(e.formattedMessage + '\n');
    process.exit(1);
  }
  const contracts = Object.values((output.contracts || {})['Verifier.sol'] || {});
  if (contracts.length === 0) {
    process.stderr.write('the source holds no contract\n');
    process.exit(1);
  }
  process.stdout.write(contracts[contracts.length - 1].evm.bytecode.object + '\n');
});
