import type { Questionnaire } from './questionnaire';

/**
 * The two questionnaires Luoshi ships, from the standard's wording: item 43 (教师对学校教师思想政治
 * 工作的感受度好、满意度高: 每年开展…感受度和满意度测评) and item 52 (定期开展覆盖广泛、代表性强、科学
 * 合理的教师思想政治状况调查研究, 准确把握教师思想状况). The office edits them before sending.
 */
export interface SurveyTemplate {
  key: 'item43' | 'item52';
  itemNos: number[];
  title: string;
  intro: string;
  questionnaire: Questionnaire;
}

const satisfaction = { min: 1, max: 5, minLabel: '很不满意', maxLabel: '非常满意' };
const agreement = { min: 1, max: 5, minLabel: '完全不同意', maxLabel: '完全同意' };

export const surveyTemplates: readonly SurveyTemplate[] = [
  {
    key: 'item43',
    itemNos: [43],
    title: '教师思想政治工作感受度和满意度测评',
    intro:
      '为了解全校教师对学校教师思想政治工作的感受和评价（《普通高等学校教师党建和思想政治工作质量标准》第43项），特开展本次测评。问卷匿名填写，系统不记录作答人与答案的对应关系，结果仅以不少于5人的群体汇总呈现。感谢您的支持！',
    questionnaire: {
      sections: [
        {
          title: '一、总体评价',
          description: '',
          questions: [
            {
              id: 'q1',
              kind: 'rating',
              title: '总体而言，您对学校教师思想政治工作的满意程度',
              required: true,
              options: [],
              rows: [],
              scale: satisfaction,
            },
            {
              id: 'q2',
              kind: 'rating',
              title: '您对学校教师思想政治工作的感受度（能感受到学校在做这项工作）',
              required: true,
              options: [],
              rows: [],
              scale: { min: 1, max: 5, minLabel: '几乎感受不到', maxLabel: '感受很明显' },
            },
          ],
        },
        {
          title: '二、分项评价',
          description: '请对以下各方面工作的满意程度打分。',
          questions: [
            {
              id: 'q3',
              kind: 'matrix',
              title: '您对以下各方面工作的满意程度',
              required: true,
              options: [],
              scale: satisfaction,
              rows: [
                '理论学习与政治引领（每月理论学习、形势政策教育）',
                '师德师风建设（师德教育、宣传、考核、监督）',
                '国情研修、社会实践等教师培训',
                '谈心谈话与关心关爱（了解诉求、解决困难）',
                '青年教师成长发展支持',
                '教师党支部建设与党员教育管理',
                '教师荣誉表彰与典型宣传',
              ],
            },
            {
              id: 'q4',
              kind: 'multiple',
              title: '您认为学校教师思想政治工作最需要加强的方面（可多选）',
              required: false,
              options: [
                '理论学习的针对性和实效性',
                '师德师风长效机制',
                '教师培训与研修机会',
                '关心关爱与困难帮扶',
                '青年教师培养',
                '信息化与网络思政阵地',
                '其他',
              ],
              rows: [],
            },
          ],
        },
        {
          title: '三、意见建议',
          description: '',
          questions: [
            {
              id: 'q5',
              kind: 'text',
              title: '您对学校教师思想政治工作还有哪些意见和建议？',
              required: false,
              options: [],
              rows: [],
            },
          ],
        },
      ],
    },
  },
  {
    key: 'item52',
    itemNos: [52],
    title: '教师思想政治状况调查问卷',
    intro:
      '为准确把握教师思想状况（《普通高等学校教师党建和思想政治工作质量标准》第52项），学校开展本年度教师思想政治状况调查。问卷匿名，答案与作答人不作任何关联，结果仅以群体汇总形式用于编制调研报告、改进工作。',
    questionnaire: {
      sections: [
        {
          title: '一、政治认同与理想信念',
          description: '',
          questions: [
            {
              id: 'q1',
              kind: 'matrix',
              title: '您在多大程度上同意以下说法',
              required: true,
              options: [],
              scale: agreement,
              rows: [
                '我坚决拥护中国共产党的领导',
                '我对中国特色社会主义道路充满信心',
                '我经常关注党的创新理论和国家大政方针',
                '我认为教师应当做学生锤炼品格、学习知识、创新思维、奉献祖国的引路人',
              ],
            },
            {
              id: 'q2',
              kind: 'single',
              title: '您主要通过哪种方式学习党的创新理论',
              required: true,
              options: [
                '单位组织的集中学习',
                '党支部组织生活',
                '网络平台自学',
                '阅读原著原文',
                '很少学习',
              ],
              rows: [],
            },
          ],
        },
        {
          title: '二、职业认同与师德师风',
          description: '',
          questions: [
            {
              id: 'q3',
              kind: 'rating',
              title: '您对教师职业的认同程度',
              required: true,
              options: [],
              rows: [],
              scale: { min: 1, max: 5, minLabel: '很低', maxLabel: '很高' },
            },
            {
              id: 'q4',
              kind: 'rating',
              title: '您认为本单位的师德师风状况',
              required: true,
              options: [],
              rows: [],
              scale: { min: 1, max: 5, minLabel: '很差', maxLabel: '很好' },
            },
          ],
        },
        {
          title: '三、工作生活状况与诉求',
          description: '',
          questions: [
            {
              id: 'q5',
              kind: 'multiple',
              title: '目前您感到压力较大的方面（可多选）',
              required: false,
              options: [
                '教学任务',
                '科研考核',
                '职称晋升',
                '收入待遇',
                '住房与子女教育',
                '身心健康',
                '其他',
              ],
              rows: [],
            },
            {
              id: 'q6',
              kind: 'rating',
              title: '过去一年，您与所在单位领导或党支部书记谈心谈话的充分程度',
              required: false,
              options: [],
              rows: [],
              scale: { min: 1, max: 5, minLabel: '从未谈过', maxLabel: '很充分' },
            },
            {
              id: 'q7',
              kind: 'text',
              title: '您最希望学校帮助解决的问题是什么？',
              required: false,
              options: [],
              rows: [],
            },
          ],
        },
      ],
    },
  },
];
