import { Button, Result } from 'antd';
import { Component, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import { navigate } from '../router';

function PageFailed({ onHome }: { onHome(): void }) {
  const { t } = useI18n();
  return (
    <Result
      status="error"
      title={t('error.page.title')}
      subTitle={t('error.page.detail')}
      data-testid="page-error"
      extra={[
        <Button key="home" type="primary" onClick={onHome}>
          {t('error.page.home')}
        </Button>,
        <Button key="reload" onClick={() => location.reload()}>
          {t('error.page.reload')}
        </Button>,
      ]}
    />
  );
}

/**
 * A page that throws while rendering shows this, with a way back, instead of blanking the app;
 * the header and the menu stay. Keyed by the path, so another page starts afresh.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override componentDidCatch(error: unknown) {
    console.error('a page failed', error);
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <PageFailed
        onHome={() => {
          this.setState({ failed: false });
          navigate('/');
        }}
      />
    );
  }
}
