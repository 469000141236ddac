// After Jest's own summary, one plain line — `unit: N passed, N failed, N skipped` — that
// CI tooling reads as the run's closing line (the tier: the project names that ran).
'use strict';

class SummaryLineReporter {
  onRunComplete(_contexts, results) {
    const tiers = [...new Set(results.testResults.map((r) => r.displayName?.name).filter(Boolean))];
    const tier = tiers.join('+') || 'tests';
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${tier}: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`;
    // Jest adds its summary reporter after every custom one; 'exit' comes after it (stdout
    // writes are synchronous there on Linux for files, pipes and terminals).
    process.once('exit', () => process.stdout.write(line));
  }
}

module.exports = SummaryLineReporter;
