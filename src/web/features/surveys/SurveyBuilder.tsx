import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Input, InputNumber, Select, Space, Switch, Typography } from 'antd';
import type { MessageKey } from '../../../shared/i18n/messages';
import {
  questionKinds,
  type Question,
  type Questionnaire,
} from '../../../shared/surveys/questionnaire';
import { useI18n } from '../../i18n';

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

function nextId(questionnaire: Questionnaire): string {
  const used = new Set(questionnaire.sections.flatMap((s) => s.questions.map((q) => q.id)));
  let n = used.size + 1;
  while (used.has(`q${n}`)) n++;
  return `q${n}`;
}

/** The questionnaire as the office edits it: sections, and questions of five kinds. */
export function SurveyBuilder({
  value,
  onChange,
  disabled,
}: {
  value: Questionnaire;
  onChange(next: Questionnaire): void;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const setQuestion = (s: number, q: number, patch: Partial<Question>) =>
    onChange({
      sections: value.sections.map((section, si) =>
        si !== s
          ? section
          : {
              ...section,
              questions: section.questions.map((question, qi) =>
                qi === q ? { ...question, ...patch } : question,
              ),
            },
      ),
    });
  const addQuestion = (s: number) =>
    onChange({
      sections: value.sections.map((section, si) =>
        si !== s
          ? section
          : {
              ...section,
              questions: [
                ...section.questions,
                {
                  id: nextId(value),
                  kind: 'single',
                  title: '',
                  required: false,
                  options: ['', ''],
                  rows: [],
                },
              ],
            },
      ),
    });
  let number = 0;
  return (
    <div data-testid="survey-builder">
      {value.sections.map((section, s) => (
        <Card
          key={s}
          size="small"
          style={{ marginBottom: 12 }}
          title={
            <Input
              variant="borderless"
              placeholder={t('surveys.builder.sectionTitle')}
              value={section.title}
              disabled={disabled}
              onChange={(event) =>
                onChange({
                  sections: value.sections.map((other, si) =>
                    si === s ? { ...other, title: event.target.value } : other,
                  ),
                })
              }
            />
          }
          extra={
            !disabled &&
            value.sections.length > 1 && (
              <Button
                size="small"
                icon={<DeleteOutlined />}
                onClick={() => onChange({ sections: value.sections.filter((_, si) => si !== s) })}
              />
            )
          }
        >
          {section.questions.map((question, q) => {
            number++;
            const scaled = question.kind === 'rating' || question.kind === 'matrix';
            return (
              <div
                key={question.id}
                className="survey-question-editor"
                style={{ marginBottom: 12 }}
              >
                <Flex gap={8} align="center" wrap>
                  <Typography.Text strong>{number}.</Typography.Text>
                  <Select
                    style={{ width: 120 }}
                    value={question.kind}
                    disabled={disabled}
                    options={questionKinds.map((kind) => ({
                      value: kind,
                      label: t(`surveys.kind.${kind}` as MessageKey),
                    }))}
                    onChange={(kind) =>
                      setQuestion(s, q, {
                        kind,
                        ...(kind === 'rating' || kind === 'matrix'
                          ? {
                              scale: question.scale ?? {
                                min: 1,
                                max: 5,
                                minLabel: '',
                                maxLabel: '',
                              },
                            }
                          : {}),
                      })
                    }
                  />
                  <Input
                    style={{ flex: 1, minWidth: 220 }}
                    placeholder={t('surveys.builder.questionTitle')}
                    value={question.title}
                    disabled={disabled}
                    data-testid={`question-title-${number}`}
                    onChange={(event) => setQuestion(s, q, { title: event.target.value })}
                  />
                  <Space size={4}>
                    <Switch
                      size="small"
                      checked={question.required}
                      disabled={disabled}
                      onChange={(required) => setQuestion(s, q, { required })}
                    />
                    {t('surveys.builder.required')}
                  </Space>
                  {!disabled && (
                    <Button
                      size="small"
                      icon={<DeleteOutlined />}
                      onClick={() =>
                        onChange({
                          sections: value.sections.map((other, si) =>
                            si === s
                              ? { ...other, questions: other.questions.filter((_, qi) => qi !== q) }
                              : other,
                          ),
                        })
                      }
                    />
                  )}
                </Flex>
                {(question.kind === 'single' || question.kind === 'multiple') && (
                  <Input.TextArea
                    style={{ marginTop: 6 }}
                    autoSize={{ minRows: 2 }}
                    placeholder={t('surveys.builder.options')}
                    disabled={disabled}
                    defaultValue={question.options.join('\n')}
                    data-testid={`question-options-${number}`}
                    onBlur={(event) => setQuestion(s, q, { options: lines(event.target.value) })}
                  />
                )}
                {question.kind === 'matrix' && (
                  <Input.TextArea
                    style={{ marginTop: 6 }}
                    autoSize={{ minRows: 2 }}
                    placeholder={t('surveys.builder.rows')}
                    disabled={disabled}
                    defaultValue={question.rows.join('\n')}
                    onBlur={(event) => setQuestion(s, q, { rows: lines(event.target.value) })}
                  />
                )}
                {scaled && question.scale && (
                  <Space style={{ marginTop: 6 }} wrap>
                    {t('surveys.builder.scale')}
                    <InputNumber
                      size="small"
                      min={0}
                      max={1}
                      value={question.scale.min}
                      disabled={disabled}
                      onChange={(min) =>
                        setQuestion(s, q, { scale: { ...question.scale!, min: min ?? 1 } })
                      }
                    />
                    –
                    <InputNumber
                      size="small"
                      min={2}
                      max={10}
                      value={question.scale.max}
                      disabled={disabled}
                      onChange={(max) =>
                        setQuestion(s, q, { scale: { ...question.scale!, max: max ?? 5 } })
                      }
                    />
                    <Input
                      size="small"
                      style={{ width: 110 }}
                      placeholder={t('surveys.builder.minLabel')}
                      value={question.scale.minLabel}
                      disabled={disabled}
                      onChange={(event) =>
                        setQuestion(s, q, {
                          scale: { ...question.scale!, minLabel: event.target.value },
                        })
                      }
                    />
                    <Input
                      size="small"
                      style={{ width: 110 }}
                      placeholder={t('surveys.builder.maxLabel')}
                      value={question.scale.maxLabel}
                      disabled={disabled}
                      onChange={(event) =>
                        setQuestion(s, q, {
                          scale: { ...question.scale!, maxLabel: event.target.value },
                        })
                      }
                    />
                  </Space>
                )}
              </div>
            );
          })}
          {!disabled && (
            <Button
              icon={<PlusOutlined />}
              size="small"
              onClick={() => addQuestion(s)}
              data-testid="add-question"
            >
              {t('surveys.builder.addQuestion')}
            </Button>
          )}
        </Card>
      ))}
      {!disabled && (
        <Button
          icon={<PlusOutlined />}
          onClick={() =>
            onChange({
              sections: [...value.sections, { title: '', description: '', questions: [] }],
            })
          }
        >
          {t('surveys.builder.addSection')}
        </Button>
      )}
    </div>
  );
}
