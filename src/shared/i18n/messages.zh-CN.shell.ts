/**
 * The labels of the first page in Chinese (sign-in, the page's frame, the errors a first request
 * may meet): apart from the rest of zhCN, so that the first page carries only them; the web loads
 * the whole catalogue with the first page behind the sign-in (web/catalogues.ts).
 */
export const zhCNShell = {
  'app.name': '落实',
  'app.tagline': '质量标准落实管理：任务分解、进度督办、自评整改、质量报告',
  'language.switch': 'English',
  'signIn.title': '登录',
  'signIn.username': '用户名',
  'signIn.password': '密码',
  'signIn.submit': '登录',
  'signIn.hint': '首次使用请用管理员提供的一次性密码登录，登录后需设置自己的密码。',
  'signIn.required': '请输入{field}',
  signOut: '退出登录',
  'signIn.totpCode': '动态码',
  'signIn.totpHint': '您已开启两步验证，请输入身份验证器 App 上显示的 6 位动态码。',
  'signIn.codeFormat': '请输入 6 位数字',
  'signIn.back': '重新输入账号',
  'signIn.ssoDivider': '或使用学校统一身份认证',
  'signIn.ssoButton': '使用 {name} 登录',
  'signIn.ssoButtonOf': '使用 {name} 登录（{organization}）',
  'signIn.ssoTotpHint':
    '学校统一身份认证已通过。您开启了两步验证，请再输入身份验证器 App 上显示的 6 位动态码。',
  'signIn.ssoStartOver': '重新登录',
  'error.network': '无法连接服务器，请检查网络后重试。',
  loading: '加载中…',
  'error.response': '服务器的回答与约定不符，请刷新页面后重试。',
  'signIn.conductReport': '师德师风监督举报（无需登录）',
} as const;
