// Writes the Costs recording rules for `yarn bench:costs` (run with sucrase-node: the rules are built
// from the backend's TypeScript, which Node's own loader cannot import): the whole rules file and the
// passes of its promtool backfill (costRulesBackfillPasses), as JSON on stdout.
import {
  costRulesBackfillPasses,
  costRulesFileYaml,
} from '../src/costs/costRecordingRules';

process.stdout.write(
  JSON.stringify({
    whole: costRulesFileYaml(),
    passes: costRulesBackfillPasses(),
  }),
);
