import { z } from 'zod';

/**
 * A questionnaire (问卷): sections of questions — single and multiple choice, rating scales,
 * matrices (rows rated on one scale) and open text — and the pure rules over it: checking a
 * questionnaire, checking one set of answers, and tallying answers. No Node, no DOM.
 */

export const questionKinds = ['single', 'multiple', 'rating', 'matrix', 'text'] as const;

export const scaleSchema = z.object({
  min: z.number().int().min(0).max(1),
  max: z.number().int().min(2).max(10),
  minLabel: z.string().max(20).default(''),
  maxLabel: z.string().max(20).default(''),
});

export const questionSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,20}$/i),
  kind: z.enum(questionKinds),
  title: z.string().trim().min(1).max(300),
  required: z.boolean().default(false),
  /** single / multiple: the choices. */
  options: z.array(z.string().trim().min(1).max(100)).max(30).default([]),
  /** rating / matrix: the scale. */
  scale: scaleSchema.optional(),
  /** matrix: the statements rated. */
  rows: z.array(z.string().trim().min(1).max(200)).max(30).default([]),
});
export type Question = z.infer<typeof questionSchema>;

export const sectionSchema = z.object({
  title: z.string().trim().max(100).default(''),
  description: z.string().max(1000).default(''),
  questions: z.array(questionSchema).max(100),
});

export const questionnaireSchema = z.object({
  sections: z.array(sectionSchema).min(1).max(20),
});
export type Questionnaire = z.infer<typeof questionnaireSchema>;

/**
 * One respondent's answers by question id: an option's index (single), indices (multiple), a
 * scale value (rating), one value or null per row (matrix), text (open).
 */
export const answerValueSchema = z.union([
  z.number().int(),
  z.array(z.number().int().nullable()).max(30),
  z.string().max(2000),
  z.null(),
]);
export const answersSchema = z.record(z.string().max(20), answerValueSchema);
export type Answers = z.infer<typeof answersSchema>;

export function questionsOf(questionnaire: Questionnaire): Question[] {
  return questionnaire.sections.flatMap((section) => section.questions);
}

/** What is wrong with a questionnaire, in words for the office; empty when it is fine. */
export function questionnaireProblems(questionnaire: Questionnaire): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const questions = questionsOf(questionnaire);
  if (questions.length === 0) problems.push('问卷至少需要一道题');
  questions.forEach((question, index) => {
    const label = `第 ${index + 1} 题`;
    if (seen.has(question.id)) problems.push(`${label}的编号 ${question.id} 重复`);
    seen.add(question.id);
    if ((question.kind === 'single' || question.kind === 'multiple') && question.options.length < 2)
      problems.push(`${label}至少需要两个选项`);
    if ((question.kind === 'rating' || question.kind === 'matrix') && !question.scale)
      problems.push(`${label}需要量表（如 1–5 分）`);
    if (question.kind === 'matrix' && question.rows.length === 0)
      problems.push(`${label}（矩阵题）至少需要一行`);
  });
  return problems;
}

/** The answers checked against the questionnaire: the first problem (question number, detail), or null. */
export function answerProblem(
  questionnaire: Questionnaire,
  answers: Answers,
): { question: number; detail: string } | null {
  const questions = questionsOf(questionnaire);
  const known = new Set(questions.map((question) => question.id));
  for (const key of Object.keys(answers))
    if (!known.has(key)) return { question: 0, detail: `没有编号为 ${key} 的题` };
  for (const [index, question] of questions.entries()) {
    const value = answers[question.id] ?? null;
    const number = index + 1;
    const empty =
      value === null ||
      (typeof value === 'string' && value.trim() === '') ||
      (Array.isArray(value) &&
        (question.kind === 'multiple' ? value.length === 0 : value.every((v) => v === null)));
    if (empty) {
      if (question.required) return { question: number, detail: '此题必答' };
      continue;
    }
    const inScale = (v: number) =>
      !!question.scale && v >= question.scale.min && v <= question.scale.max;
    switch (question.kind) {
      case 'single':
        if (typeof value !== 'number' || value < 0 || value >= question.options.length)
          return { question: number, detail: '请选择一个选项' };
        break;
      case 'multiple':
        if (
          !Array.isArray(value) ||
          value.some((v) => v === null || v < 0 || v >= question.options.length) ||
          new Set(value).size !== value.length
        )
          return { question: number, detail: '选项不正确' };
        break;
      case 'rating':
        if (typeof value !== 'number' || !inScale(value))
          return { question: number, detail: '评分超出范围' };
        break;
      case 'matrix':
        if (
          !Array.isArray(value) ||
          value.length !== question.rows.length ||
          value.some((v) => v !== null && !inScale(v))
        )
          return { question: number, detail: '请为每一行评分' };
        if (question.required && value.some((v) => v === null))
          return { question: number, detail: '请为每一行评分' };
        break;
      case 'text':
        if (typeof value !== 'string') return { question: number, detail: '请填写文字' };
        break;
    }
  }
  return null;
}

/** A scale value that counts as favourable (满意): the top two points of the scale. */
export function isFavourable(value: number, scale: { max: number }): boolean {
  return value >= scale.max - 1;
}

export interface QuestionTally {
  id: string;
  kind: Question['kind'];
  title: string;
  /** Respondents who answered it. */
  answered: number;
  /** single/multiple: per option; rating: per scale value (min..max). */
  counts: number[];
  labels: string[];
  /** rating: mean; matrix: per row. */
  mean: number | null;
  favourable: { numerator: number; denominator: number } | null;
  rows: { label: string; counts: number[]; mean: number | null }[];
  /** open text, in no particular order. */
  texts: string[];
}

const round1 = (value: number) => Math.round(value * 10) / 10;

function scaleLabels(scale: NonNullable<Question['scale']>): string[] {
  return Array.from({ length: scale.max - scale.min + 1 }, (_, index) => {
    const value = scale.min + index;
    if (value === scale.min && scale.minLabel) return `${value} ${scale.minLabel}`;
    if (value === scale.max && scale.maxLabel) return `${value} ${scale.maxLabel}`;
    return String(value);
  });
}

/** Every question's counts over a set of answers (order of answers does not matter). */
export function tallyAnswers(
  questionnaire: Questionnaire,
  all: readonly Answers[],
): QuestionTally[] {
  return questionsOf(questionnaire).map((question) => {
    const values = all.map((answers) => answers[question.id] ?? null);
    const tally: QuestionTally = {
      id: question.id,
      kind: question.kind,
      title: question.title,
      answered: 0,
      counts: [],
      labels: [],
      mean: null,
      favourable: null,
      rows: [],
      texts: [],
    };
    if (question.kind === 'single' || question.kind === 'multiple') {
      tally.labels = question.options;
      tally.counts = question.options.map(() => 0);
      for (const value of values) {
        const chosen = typeof value === 'number' ? [value] : Array.isArray(value) ? value : [];
        const valid = chosen.filter(
          (v): v is number => v !== null && v >= 0 && v < question.options.length,
        );
        if (valid.length > 0) tally.answered++;
        for (const v of valid) tally.counts[v]!++;
      }
    } else if (question.kind === 'rating' && question.scale) {
      const scale = question.scale;
      tally.labels = scaleLabels(scale);
      tally.counts = tally.labels.map(() => 0);
      const given = values.filter((v): v is number => typeof v === 'number');
      for (const v of given) tally.counts[v - scale.min]!++;
      tally.answered = given.length;
      tally.mean = given.length ? round1(given.reduce((a, b) => a + b, 0) / given.length) : null;
      tally.favourable = {
        numerator: given.filter((v) => isFavourable(v, scale)).length,
        denominator: given.length,
      };
    } else if (question.kind === 'matrix' && question.scale) {
      const scale = question.scale;
      tally.labels = scaleLabels(scale);
      let favourable = 0;
      let counted = 0;
      tally.rows = question.rows.map((label, rowIndex) => {
        const given = values
          .map((value) => (Array.isArray(value) ? value[rowIndex] : null))
          .filter((v): v is number => typeof v === 'number');
        favourable += given.filter((v) => isFavourable(v, scale)).length;
        counted += given.length;
        const counts = tally.labels.map(() => 0);
        for (const v of given) counts[v - scale.min]!++;
        return {
          label,
          counts,
          mean: given.length ? round1(given.reduce((a, b) => a + b, 0) / given.length) : null,
        };
      });
      tally.answered = values.filter((v) => Array.isArray(v) && v.some((x) => x !== null)).length;
      tally.favourable = { numerator: favourable, denominator: counted };
    } else if (question.kind === 'text') {
      tally.texts = values.filter((v): v is string => typeof v === 'string' && v.trim() !== '');
      tally.answered = tally.texts.length;
    }
    return tally;
  });
}

/** The share of favourable points over every rating and matrix answer: a survey's 满意度. */
export function overallFavourable(tallies: readonly QuestionTally[]): {
  numerator: number;
  denominator: number;
} {
  return tallies.reduce(
    (sum, tally) =>
      tally.favourable
        ? {
            numerator: sum.numerator + tally.favourable.numerator,
            denominator: sum.denominator + tally.favourable.denominator,
          }
        : sum,
    { numerator: 0, denominator: 0 },
  );
}
