/** The reliability suite's harness cases (issue #7), gathered so harness.ts registers them with one line. */
import { badInputCases } from './badInputCases';
import { deviceLossCases } from './deviceLossCases';
import { leakCases } from './leakCases';
import { limitCases } from './limitCases';
import { numericCases } from './numericCases';
import { persistenceCases } from './persistenceCases';

export const reliabilityCases = {
  ...badInputCases,
  ...deviceLossCases,
  ...leakCases,
  ...limitCases,
  ...numericCases,
  ...persistenceCases,
};
