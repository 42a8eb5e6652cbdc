import { z } from 'zod';

/**
 * An obligation is a countable promise an item's text makes (每学期至少召开1次会议, 配备达100%).
 * Luoshi proposes obligations from the text; the coordinator confirms or edits them; departments
 * record occurrences; compliance is computed per period. The proposal and the confirmed form are
 * two schemas because a proposal may be incomplete (定期 names no period and no count) while
 * compliance can only be computed from a complete one.
 */

/**
 * `quarter` exists because 每季度 is a period of its own: folding it into semesters would change
 * what the text asks. `cycle` is the plan's whole cycle; the parser never proposes it (no item
 * says "in this plan's cycle"), but a coordinator may confirm a standing target (配备达100%) as
 * checked once per cycle. There is no week: no plan asks for weekly work, and a week straddles
 * months and semesters, which would need rules of its own.
 */
export const obligationPeriods = ['month', 'quarter', 'semester', 'year', 'cycle'] as const;
export const obligationPeriodSchema = z.enum(obligationPeriods);
export type ObligationPeriod = z.infer<typeof obligationPeriodSchema>;

export const itemFields = ['content', 'focus'] as const;

/**
 * Where the proposal was read, so the coordinator can see the words next to the proposal and the
 * screen can highlight them. Offsets are UTF-16 indices into the field as imported (JavaScript
 * string indices), `end` exclusive: `text.slice(start, end) === phrase` always holds.
 */
export const obligationSourceSchema = z
  .object({
    field: z.enum(itemFields),
    phrase: z.string().min(1),
    start: z.number().int().nonnegative(),
    end: z.number().int().positive(),
  })
  .refine((source) => source.end - source.start === source.phrase.length, {
    message: 'end - start must be the length of phrase',
  });
export type ObligationSource = z.infer<typeof obligationSourceSchema>;

/** The words naming the people an obligation binds one by one (每名青年教师 → 青年教师), as written. */
const populationWordsSchema = z.string().min(1);

const frequencyFields = {
  kind: z.literal('frequency'),
  /**
   * At least `minimumCount` occurrences in every period. "1次" is read as "at least 1": the text
   * sets a floor for an assessor, not a ceiling for the department.
   */
  period: obligationPeriodSchema,
  minimumCount: z.number().int().positive(),
  /**
   * Set when each person of a population must reach the minimum on their own (每名青年教师每年
   * 至少参加1次): then compliance is counted per person, not per department.
   */
  eachOf: populationWordsSchema.nullable(),
};

const coverageFields = {
  kind: z.literal('coverage'),
  /** When the share is checked; a share is a state (配备达100%), so it needs a moment to be read at. */
  period: obligationPeriodSchema,
  /** A target share of a population, in percent; 全覆盖 is 100. Above 100 is growth, not coverage. */
  targetPercent: z.number().positive().max(100),
  /** The population when the text names it (全体教师 → 教师); otherwise the phrase itself says it. */
  population: populationWordsSchema.nullable(),
};

/**
 * A proposal keeps every field the text did not state as null rather than guessing: 定期 means
 * "at regular intervals" but names neither the interval nor a count, and a made-up 每学期1次 would
 * be a rule nobody wrote. `needsConfirmation` says the coordinator must fill something in before
 * the obligation can be checked; it is derived from the nulls and validated against them so it
 * cannot disagree with them.
 */
const frequencyProposalSchema = z.object({
  ...frequencyFields,
  period: frequencyFields.period.nullable(),
  minimumCount: frequencyFields.minimumCount.nullable(),
  source: obligationSourceSchema,
  needsConfirmation: z.boolean(),
});

const coverageProposalSchema = z.object({
  ...coverageFields,
  period: coverageFields.period.nullable(),
  source: obligationSourceSchema,
  needsConfirmation: z.boolean(),
});

export const obligationSchema = z
  .discriminatedUnion('kind', [frequencyProposalSchema, coverageProposalSchema])
  .refine((proposal) => proposal.needsConfirmation === isIncomplete(proposal), {
    message: 'needsConfirmation must be true exactly when the period or the minimum is unknown',
    path: ['needsConfirmation'],
  });
export type Obligation = z.infer<typeof obligationSchema>;
export type FrequencyObligation = Extract<Obligation, { kind: 'frequency' }>;
export type CoverageObligation = Extract<Obligation, { kind: 'coverage' }>;

/** True when compliance cannot be computed until someone supplies the missing numbers. */
export function isIncomplete(proposal: {
  kind: 'frequency' | 'coverage';
  period: ObligationPeriod | null;
  minimumCount?: number | null;
}): boolean {
  return (
    proposal.period === null || (proposal.kind === 'frequency' && proposal.minimumCount === null)
  );
}

/**
 * What the coordinator has agreed to check. The source is optional because a coordinator may add
 * an obligation the text implies but the parser could not read (听取年度…汇报).
 */
export const confirmedObligationSchema = z.discriminatedUnion('kind', [
  z.object({ ...frequencyFields, source: obligationSourceSchema.nullable() }),
  z.object({ ...coverageFields, source: obligationSourceSchema.nullable() }),
]);
export type ConfirmedObligation = z.infer<typeof confirmedObligationSchema>;
export type ConfirmedFrequencyObligation = Extract<ConfirmedObligation, { kind: 'frequency' }>;
export type ConfirmedCoverageObligation = Extract<ConfirmedObligation, { kind: 'coverage' }>;
