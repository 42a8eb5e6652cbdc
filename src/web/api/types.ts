export { errorResponseSchema } from '../../shared/api/contracts';
export type {
  PlanDetail,
  PlanSummary,
  PlanTree,
  Level1View,
  AssignmentView,
} from '../../shared/api/contracts';
export type { SessionResponse, TotpEnrolment, UserView } from '../../shared/api/auth';
export type { FieldIssue as FieldIssueView } from '../../shared/errors';
