import { Button, Result } from 'antd';
import { useI18n } from '../i18n';
import { navigate } from '../router';

/** An address that names no page (or none the user's role may see). */
export default function NotFoundPage({ path }: { path: string }) {
  const { t } = useI18n();
  return (
    <Result
      status="404"
      title={t('notFound.title')}
      subTitle={t('notFound.detail', { path })}
      data-testid="not-found"
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          {t('error.page.home')}
        </Button>
      }
    />
  );
}
