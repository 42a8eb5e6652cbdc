/**
 * Handover messages (交接提醒): one per person whose turn it is, when a step of the plan happens.
 * Pure: what each kind of message says and where it links. Messages are sent in the
 * institution's language (zh-CN), like the supervision reminders; the list of one's messages is
 * worded again from the stored facts in the reader's language (English when asked).
 */
import type { Locale } from '../errors';
import { type MessageKey, translate } from '../i18n/messages';

export const messageKinds = [
  'breakdown.submitted',
  'breakdown.resubmitted',
  'breakdown.returned',
  'breakdown.approved',
  'measure.due_soon',
  'measure.overdue',
  'period_report.due',
  'period_report.missing',
  'finding.assigned',
  'rectification.submitted',
  'finding.verified',
  'finding.reopened',
  'summary.returned',
  'report.published',
  'report.review_due',
  'account.created',
  'supervision.red',
  'supervision.notice',
  'conduct_case.late',
  'coverage.gap',
] as const;
export type MessageKind = (typeof messageKinds)[number];

export const messageChannels = ['in_app', 'email', 'wecom', 'dingtalk'] as const;
export type MessageChannel = (typeof messageChannels)[number];

/** What the office sends on when a person chose nothing. In-app is always on. */
export const DEFAULT_CHANNELS: readonly MessageChannel[] = ['in_app', 'email'];
export const DEFAULT_DUE_SOON_DAYS = 7;
/** A published report is open for review this many days; reviewers are reminded before it closes. */
export const REVIEW_DAYS = 14;

export interface MessageFacts {
  kind: MessageKind;
  planName: string | null;
  departmentName: string | null;
  /** The department the message is about (for the office's review link). */
  departmentId?: string | null;
  /** The office's or reviewer's comment, when there is one. */
  comment?: string | null;
  /** For a returned breakdown: how many items carry their own comment. */
  itemComments?: number | null;
  /** A phrase naming the thing: 指标 12 “…” 的落实措施, 问题 “…”. */
  subject?: string | null;
  /** The day it is (or was) due, YYYY-MM-DD. */
  dueOn?: string | null;
  /** For account.created: the sign-in name and the address to sign in at. */
  username?: string | null;
  signInUrl?: string | null;
  /** A finding's or a report's id, for a link to the exact record. */
  recordId?: string | null;
  /** For coverage.gap: the rule's counts in its period and the people of the department still missing. */
  coverage?: { required: number; covered: number; missing: string[] } | null;
}

/**
 * A conduct case's step, named in the reader's language: the facts carry the state (受理 …);
 * a message queued before they did carries the Chinese name, shown as it is.
 */
function caseStep(locale: Locale, state: string | null | undefined): string {
  const key = `conductCase.state.${state ?? ''}` as MessageKey;
  return state && /^[a-z]+$/.test(state) ? translate(locale, key) : (state ?? '—');
}

/** The missing people a coverage message names before it summarises the rest with a count. */
const NAMED_MISSING = 20;

export interface ComposedMessage {
  title: string;
  /** Plain text: names the plan, the department, what to do. */
  body: string;
  /** What to do, in a few words (the button of a card message). */
  action: string;
  /** A path inside the web app. */
  link: string;
}

const dot = (value: string | null | undefined) => (value ? value : '—');

/** The words of a message of each kind, in Chinese unless English is asked for. */
export function composeMessage(facts: MessageFacts, locale: Locale = 'zh-CN'): ComposedMessage {
  if (locale === 'en') return composeEnglishMessage(facts);
  const plan = `工作方案：${dot(facts.planName)}`;
  const department = `部门：${dot(facts.departmentName)}`;
  const commentText = [
    facts.comment,
    facts.itemComments ? `共 ${facts.itemComments} 项指标有逐项意见` : null,
  ]
    .filter(Boolean)
    .join('；');
  const comment = commentText ? `\n意见：${commentText}` : '';
  const due = facts.dueOn ? `\n截止：${facts.dueOn}` : '';
  const subject = facts.subject ? `\n事项：${facts.subject}` : '';
  const lines = (title: string, todo: string, action: string, link: string): ComposedMessage => ({
    title,
    body: `${facts.departmentName ? `${plan}\n${department}` : plan}${subject}${due}${comment}\n请${todo}`,
    action,
    link,
  });
  const board = facts.departmentId ? `/board/${facts.departmentId}` : '/board';
  switch (facts.kind) {
    case 'breakdown.submitted':
      return lines(
        `${dot(facts.departmentName)}已报送任务分解表`,
        '审核该部门的任务分解表：通过，或逐项写明意见后退回。',
        '去审核',
        board,
      );
    case 'breakdown.resubmitted':
      return lines(
        `${dot(facts.departmentName)}已重新报送任务分解表`,
        '再次审核该部门按意见修改后的任务分解表。',
        '去审核',
        board,
      );
    case 'breakdown.returned':
      return lines(
        '任务分解表被退回，请修改后重新报送',
        '按审核意见修改任务分解表，然后重新报送。',
        '去修改',
        '/breakdown',
      );
    case 'breakdown.approved':
      return lines(
        '任务分解表已审核通过',
        '按落实措施开展工作，并按期报送进度。',
        '查看',
        '/breakdown',
      );
    case 'measure.due_soon':
      return lines('落实措施即将到期', '在截止日前完成并报送进度。', '去报送', '/progress');
    case 'measure.overdue':
      return lines('落实措施已逾期', '尽快完成并报送进度；逾期将升级督办。', '去报送', '/progress');
    case 'period_report.due':
      return lines('本期进度即将截止报送', '在截止日前报送本期进度。', '去报送', '/progress');
    case 'period_report.missing':
      return lines('本期进度未报送', '尽快补报本期进度。', '去补报', '/progress');
    case 'finding.assigned':
      return lines(
        '新的查摆问题交由本部门整改',
        '制定整改措施并在期限内记录整改情况。',
        '去整改',
        '/rectification',
      );
    case 'rectification.submitted':
      return lines(
        `${dot(facts.departmentName)}已提交整改`,
        '核验整改情况：通过，或重新打开。',
        '去核验',
        facts.recordId ? `/findings?findingId=${facts.recordId}` : '/findings',
      );
    case 'finding.verified':
      return lines('整改已核验通过', '无需再做什么；问题已销号。', '查看', '/rectification');
    case 'finding.reopened':
      return lines('整改被重新打开', '按意见继续整改，并重新提交。', '去整改', '/rectification');
    case 'summary.returned':
      return lines(
        '总结报告与自评被退回',
        '按意见修改总结报告与自评，然后重新提交。',
        '去修改',
        '/conclusion',
      );
    case 'report.published':
      return lines(
        '质量报告已发布，请评议',
        '阅读质量报告，并在评议截止前提交评议。',
        '去评议',
        '/report',
      );
    case 'report.review_due':
      return lines('质量报告评议即将截止', '在截止前提交评议。', '去评议', '/report');
    case 'supervision.red':
      return lines(
        `${dot(facts.departmentName)}有工作逾期已达红色预警`,
        '督促本部门尽快完成逾期工作（逾期事项见上）。',
        '查看',
        // Heads and leaders read the department's page; the supervision page is the office's.
        board,
      );
    case 'supervision.notice':
      return lines(
        `督办通知单${facts.subject ? ` ${facts.subject.split('：')[0]}` : ''}：请按期回复`,
        '落实通知单所列逾期事项，并在回复期限前填写落实情况。',
        '去回复',
        '/notices',
      );
    case 'conduct_case.late':
      // Never the report's content: the handler reads it on the case page.
      return {
        title: '一件师德举报已超过本环节办理期限',
        body: `环节：${caseStep('zh-CN', facts.subject)}\n期限：${dot(facts.dueOn)}\n请尽快办理，或在办理记录中说明原因。`,
        action: '去办理',
        link: facts.recordId ? `/conduct-cases/${facts.recordId}` : '/conduct-cases',
      };
    case 'coverage.gap': {
      const counts = facts.coverage;
      const names = counts?.missing ?? [];
      const listed = names.slice(0, NAMED_MISSING).join('、');
      const more = names.length > NAMED_MISSING ? `等 ${names.length} 人` : '';
      return {
        title: `覆盖要求即将到期：${dot(facts.subject)}`,
        body: `${department}\n要求：${dot(facts.subject)}${due}${
          counts
            ? `\n应参加 ${counts.required} 人，已参加 ${counts.covered} 人，尚有 ${names.length} 人未参加：${listed}${more}`
            : ''
        }\n请在截止前组织未参加的教师参加，并登记活动和参加人员。`,
        action: '去登记',
        link: facts.recordId ? `/activities?rule=${facts.recordId}` : '/activities',
      };
    }
    case 'account.created':
      return {
        title: '您的落实（Luoshi）账号已开通',
        // An account belongs to no plan, and e-mail and chat add the address to open: only the lines known.
        body: [
          facts.planName ? plan : null,
          facts.departmentName ? department : null,
          `登录名：${dot(facts.username)}`,
          facts.signInUrl ? `登录地址：${facts.signInUrl}` : null,
          '请用管理员当面或另行告知的一次性密码登录，首次登录须设置新密码。',
        ]
          .filter(Boolean)
          .join('\n'),
        action: '去登录',
        link: '/',
      };
  }
}

function composeEnglishMessage(facts: MessageFacts): ComposedMessage {
  const plan = `Plan: ${dot(facts.planName)}`;
  const department = `Department: ${dot(facts.departmentName)}`;
  const commentText = [
    facts.comment,
    facts.itemComments ? `${facts.itemComments} items have their own comment` : null,
  ]
    .filter(Boolean)
    .join('; ');
  const comment = commentText ? `\nComment: ${commentText}` : '';
  const due = facts.dueOn ? `\nDue: ${facts.dueOn}` : '';
  const subject = facts.subject ? `\nAbout: ${facts.subject}` : '';
  const lines = (title: string, todo: string, action: string, link: string): ComposedMessage => ({
    title,
    body: `${facts.departmentName ? `${plan}\n${department}` : plan}${subject}${due}${comment}\nPlease ${todo}`,
    action,
    link,
  });
  const board = facts.departmentId ? `/board/${facts.departmentId}` : '/board';
  const name = dot(facts.departmentName);
  switch (facts.kind) {
    case 'breakdown.submitted':
      return lines(
        `${name} submitted its task breakdown`,
        'review it: approve it, or return it with a comment on each item to fix.',
        'Review',
        board,
      );
    case 'breakdown.resubmitted':
      return lines(
        `${name} submitted its task breakdown again`,
        'review the breakdown revised after your comments.',
        'Review',
        board,
      );
    case 'breakdown.returned':
      return lines(
        'Your task breakdown was returned',
        'revise the task breakdown as the review asks, then submit it again.',
        'Revise',
        '/breakdown',
      );
    case 'breakdown.approved':
      return lines(
        'Your task breakdown was approved',
        'carry out the measures and report progress on time.',
        'Open',
        '/breakdown',
      );
    case 'measure.due_soon':
      return lines(
        'A measure is due soon',
        'complete it and report progress before the due date.',
        'Report',
        '/progress',
      );
    case 'measure.overdue':
      return lines(
        'A measure is late',
        'complete it and report progress soon; late work is escalated.',
        'Report',
        '/progress',
      );
    case 'period_report.due':
      return lines(
        "This period's progress report is due soon",
        "report this period's progress before the due date.",
        'Report',
        '/progress',
      );
    case 'period_report.missing':
      return lines(
        "This period's progress was not reported",
        "report this period's progress soon.",
        'Report',
        '/progress',
      );
    case 'finding.assigned':
      return lines(
        'A finding was assigned to your department',
        'plan the rectification and record it before the due date.',
        'Rectify',
        '/rectification',
      );
    case 'rectification.submitted':
      return lines(
        `${name} submitted a rectification`,
        'verify it: accept it, or reopen the finding.',
        'Verify',
        facts.recordId ? `/findings?findingId=${facts.recordId}` : '/findings',
      );
    case 'finding.verified':
      return lines(
        'The rectification was verified',
        'nothing more is needed; the finding is closed.',
        'Open',
        '/rectification',
      );
    case 'finding.reopened':
      return lines(
        'The rectification was reopened',
        'continue as the comment asks and submit it again.',
        'Rectify',
        '/rectification',
      );
    case 'summary.returned':
      return lines(
        'Your summary report and self-assessment were returned',
        'revise them as the comment asks, then submit them again.',
        'Revise',
        '/conclusion',
      );
    case 'report.published':
      return lines(
        'The quality report is published for review',
        'read the quality report and submit your review before it closes.',
        'Review',
        '/report',
      );
    case 'report.review_due':
      return lines(
        'The quality report review closes soon',
        'submit your review before it closes.',
        'Review',
        '/report',
      );
    case 'supervision.red':
      return lines(
        `${name} has late work at the red warning`,
        'see that the department completes its late work soon (the items are listed above).',
        'Open',
        board,
      );
    case 'supervision.notice':
      return lines(
        `Supervision notice${facts.subject ? ` ${facts.subject.split('：')[0]}` : ''}: please answer on time`,
        'carry out the late items the notice lists and record what was done before the deadline to answer.',
        'Answer',
        '/notices',
      );
    case 'conduct_case.late':
      // Never the report's content: the handler reads it on the case page.
      return {
        title: 'A conduct report is past the deadline of its current step',
        body: `Step: ${caseStep('en', facts.subject)}\nDeadline: ${dot(facts.dueOn)}\nHandle it soon, or record the reason in the case log.`,
        action: 'Handle',
        link: facts.recordId ? `/conduct-cases/${facts.recordId}` : '/conduct-cases',
      };
    case 'coverage.gap': {
      const counts = facts.coverage;
      const names = counts?.missing ?? [];
      const listed = names.slice(0, NAMED_MISSING).join(', ');
      const more = names.length > NAMED_MISSING ? ` and ${names.length - NAMED_MISSING} more` : '';
      return {
        title: `A coverage requirement is due soon: ${dot(facts.subject)}`,
        body: `${department}\nRequirement: ${dot(facts.subject)}${due}${
          counts
            ? `\n${counts.required} must take part, ${counts.covered} did, ${names.length} still missing: ${listed}${more}`
            : ''
        }\nPlease have the teachers still missing take part before the due date, and record the activity with its participants.`,
        action: 'Record',
        link: facts.recordId ? `/activities?rule=${facts.recordId}` : '/activities',
      };
    }
    case 'account.created':
      return {
        title: 'Your Luoshi account is ready',
        body: [
          facts.planName ? plan : null,
          facts.departmentName ? department : null,
          `User name: ${dot(facts.username)}`,
          facts.signInUrl ? `Sign in at: ${facts.signInUrl}` : null,
          'Sign in with the one-time password the administrator gave you in person; you will set a new password the first time.',
        ]
          .filter(Boolean)
          .join('\n'),
        action: 'Sign in',
        link: '/',
      };
  }
}

/** A link inside the app made absolute for e-mail and chat. */
export function absoluteLink(baseUrl: string, link: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${link.startsWith('/') ? link : `/${link}`}`;
}

/** The channels a message goes out on: the person's choice, else the office's; in-app always. */
export function channelsFor(
  personal: readonly MessageChannel[] | null,
  office: readonly MessageChannel[],
): MessageChannel[] {
  const chosen = new Set<MessageChannel>(personal ?? office);
  chosen.add('in_app');
  return messageChannels.filter((channel) => chosen.has(channel));
}
