export { errorResponseSchema } from '../../shared/api/contracts';
export type {
  PlanDetail,
  PlanSummary,
  PlanTree,
  SessionResponse,
  TotpEnrolment,
  UserView,
  Level1View,
  AssignmentView,
} from '../../shared/api/contracts';
export type { FieldIssue as FieldIssueView } from '../../shared/errors';
