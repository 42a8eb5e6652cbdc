import { GlobalOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useI18n } from '../i18n';

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <Button
      type="text"
      icon={<GlobalOutlined />}
      onClick={() => setLocale(locale === 'en' ? 'zh-CN' : 'en')}
      data-testid="language-switch"
    >
      {t('language.switch')}
    </Button>
  );
}
