import { Card, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { NoticeList } from './Notices';

/** A liaison's 督办通知单: what the office sent their department, and the answer to give. */
export default function NoticesPage() {
  const { t } = useI18n();
  return (
    <Card title={t('supervision.notice.pageTitle')}>
      <Typography.Paragraph type="secondary">
        {t('supervision.notice.pageHint')}
      </Typography.Paragraph>
      <NoticeList office={false} />
    </Card>
  );
}
