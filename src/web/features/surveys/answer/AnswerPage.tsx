import { useEffect, useState } from 'react';
import type { BodyOf, ResponseOf } from '../../../../shared/api/operation';
import type { SurveyForm, surveysApi } from '../../../../shared/api/surveys';
import type { Answers, Question } from '../../../../shared/surveys/questionnaire';
import './answer.css';

/**
 * 问卷作答: the page a teacher opens from their personal link (/s#code) or the poster (/s), on a
 * phone, without signing in. Its own small chunk (no Ant Design), Chinese only.
 */

type PublicOperation = typeof surveysApi.form | typeof surveysApi.answer;

/**
 * The addresses of the two public operations, checked against their definitions by the type
 * (a changed definition fails the build). The definitions themselves are not imported: their zod
 * schemas would more than double this page's download on a phone.
 */
const addresses: { [K in 'form' | 'answer']: (typeof surveysApi)[K]['path'] } = {
  form: '/api/v1/public/survey-form',
  answer: '/api/v1/public/survey-answer',
};

/**
 * Posts to one of the public answering operations (both POST), without the session cookie: the
 * answer stays anonymous even in a signed-in browser. Body and answer are typed by the definition.
 */
async function post<D extends PublicOperation>(
  path: D['path'],
  body: BodyOf<D>,
): Promise<ResponseOf<D>> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': 'zh-CN' },
    body: JSON.stringify(body),
    credentials: 'omit',
  });
  const payload = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new Error(payload?.error?.message ?? '网络不稳定，请稍后再试。');
  return payload;
}

function Scale({
  question,
  value,
  onChange,
  name,
}: {
  question: Question;
  value: number | null;
  onChange(v: number): void;
  name: string;
}) {
  const scale = question.scale!;
  const points = Array.from({ length: scale.max - scale.min + 1 }, (_, i) => scale.min + i);
  return (
    <div className="a-scale">
      <div className="a-points" aria-label={name}>
        {points.map((point) => (
          <button
            type="button"
            key={point}
            aria-pressed={value === point}
            className={value === point ? 'on' : ''}
            onClick={() => onChange(point)}
          >
            {point}
          </button>
        ))}
      </div>
      {(scale.minLabel || scale.maxLabel) && (
        <div className="a-scale-labels">
          <span>{scale.minLabel}</span>
          <span>{scale.maxLabel}</span>
        </div>
      )}
    </div>
  );
}

export default function AnswerPage() {
  const [token, setToken] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [form, setForm] = useState<SurveyForm | null>(null);
  const [answers, setAnswers] = useState<Answers>({});
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.documentElement.lang = 'zh-CN';
    const fromLink = location.hash.replace(/^#/, '').trim();
    // the code leaves the address bar (and the history) as soon as it is read
    if (fromLink) {
      history.replaceState(null, '', location.pathname);
      setToken(fromLink);
    }
  }, []);

  useEffect(() => {
    if (!token) return;
    setBusy(true);
    post<typeof surveysApi.form>(addresses.form, { token })
      .then((loaded) => {
        setForm(loaded);
        document.title = loaded.title;
        setError(null);
      })
      .catch((caught: Error) => {
        setError(caught.message);
        setToken(null);
      })
      .finally(() => setBusy(false));
  }, [token]);

  const set = (id: string, value: Answers[string]) => {
    setAnswers((current) => ({ ...current, [id]: value }));
    if (missing === id) setMissing(null);
  };

  const submit = async () => {
    if (!form || !token) return;
    const questions = form.questionnaire.sections.flatMap((s) => s.questions);
    const unanswered = questions.find((question) => {
      if (!question.required) return false;
      const value = answers[question.id];
      if (value === undefined || value === null || value === '') return true;
      if (Array.isArray(value))
        return question.kind === 'matrix'
          ? value.length < question.rows.length || value.some((v) => v === null || v === undefined)
          : value.length === 0;
      return false;
    });
    if (unanswered) {
      setMissing(unanswered.id);
      document
        .getElementById(`q-${unanswered.id}`)
        ?.scrollIntoView({ behavior: 'smooth', block: 'center' });
      return;
    }
    setBusy(true);
    try {
      await post<typeof surveysApi.answer>(addresses.answer, { token, answers });
      setDone(true);
      setToken(null);
      window.scrollTo(0, 0);
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (done)
    return (
      <main className="a-page">
        <div className="a-card a-done" data-testid="answer-done">
          <h1>提交成功，感谢您的参与！</h1>
          <p>您的答卷已匿名保存。个人链接已失效，无法再次作答。</p>
        </div>
      </main>
    );

  if (!form)
    return (
      <main className="a-page">
        <div className="a-card">
          <h1>问卷作答</h1>
          <p>请打开邮件或通知中的个人链接；扫描海报二维码进入的，请输入您的作答码。</p>
          {error && <p className="a-error">{error}</p>}
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (typed.trim()) setToken(typed.trim());
            }}
          >
            <input
              className="a-input"
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              placeholder="作答码（16 位字母和数字）"
              autoComplete="off"
              autoCapitalize="off"
              spellCheck={false}
              aria-label="作答码"
            />
            <button className="a-submit" type="submit" disabled={busy}>
              {busy ? '请稍候…' : '开始作答'}
            </button>
          </form>
        </div>
      </main>
    );

  let number = 0;
  return (
    <main className="a-page" data-testid="answer-page">
      <header className="a-card">
        <h1>{form.title}</h1>
        {form.intro && <p className="a-intro">{form.intro}</p>}
        <p className="a-privacy">🔒 匿名问卷：答案不与您的身份关联。</p>
      </header>
      {form.questionnaire.sections.map((section, s) => (
        <section key={s} className="a-card">
          {section.title && <h2>{section.title}</h2>}
          {section.description && <p className="a-intro">{section.description}</p>}
          {section.questions.map((question) => {
            number++;
            const value = answers[question.id] ?? null;
            return (
              <fieldset
                key={question.id}
                id={`q-${question.id}`}
                className={`a-question${missing === question.id ? ' a-missing' : ''}`}
              >
                <legend>
                  {number}. {question.title}
                  {question.required && <span className="a-required"> *</span>}
                  {question.kind === 'multiple' && <span className="a-hint">（可多选）</span>}
                </legend>
                {question.kind === 'single' &&
                  question.options.map((option, index) => (
                    <label key={index} className={`a-option${value === index ? ' on' : ''}`}>
                      <input
                        type="radio"
                        name={question.id}
                        checked={value === index}
                        onChange={() => set(question.id, index)}
                      />
                      {option}
                    </label>
                  ))}
                {question.kind === 'multiple' &&
                  question.options.map((option, index) => {
                    const chosen = Array.isArray(value) ? (value as number[]) : [];
                    const on = chosen.includes(index);
                    return (
                      <label key={index} className={`a-option${on ? ' on' : ''}`}>
                        <input
                          type="checkbox"
                          checked={on}
                          onChange={() =>
                            set(
                              question.id,
                              on ? chosen.filter((v) => v !== index) : [...chosen, index].sort(),
                            )
                          }
                        />
                        {option}
                      </label>
                    );
                  })}
                {question.kind === 'rating' && (
                  <Scale
                    question={question}
                    name={question.title}
                    value={typeof value === 'number' ? value : null}
                    onChange={(v) => set(question.id, v)}
                  />
                )}
                {question.kind === 'matrix' &&
                  question.rows.map((row, rowIndex) => {
                    const values = Array.isArray(value)
                      ? (value as (number | null)[])
                      : question.rows.map(() => null);
                    return (
                      <div key={rowIndex} className="a-matrix-row">
                        <div className="a-matrix-label">{row}</div>
                        <Scale
                          question={question}
                          name={row}
                          value={values[rowIndex] ?? null}
                          onChange={(v) =>
                            set(
                              question.id,
                              question.rows.map((_, i) =>
                                i === rowIndex ? v : (values[i] ?? null),
                              ),
                            )
                          }
                        />
                      </div>
                    );
                  })}
                {question.kind === 'text' && (
                  <textarea
                    className="a-input"
                    rows={4}
                    maxLength={2000}
                    value={typeof value === 'string' ? value : ''}
                    onChange={(event) => set(question.id, event.target.value)}
                  />
                )}
                {missing === question.id && <p className="a-error">此题必答</p>}
              </fieldset>
            );
          })}
        </section>
      ))}
      {error && <p className="a-error a-card">{error}</p>}
      <button
        className="a-submit"
        type="button"
        disabled={busy}
        onClick={() => void submit()}
        data-testid="answer-submit"
      >
        {busy ? '提交中…' : '提交'}
      </button>
    </main>
  );
}
