import { BellOutlined, KeyOutlined, LogoutOutlined, MenuOutlined, UserOutlined } from '@ant-design/icons';
import { App, Badge, Button, Drawer, Dropdown, Grid, Layout, Menu, Tag, type MenuProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { t, tk } from '../i18n.ts';
import { useLive } from '../lib/live.tsx';
import { menuFor, type NavItem } from '../lib/navigation.ts';
import { useRouter } from '../lib/router.tsx';
import { useMe, useSession } from '../lib/session.tsx';
import { AVAILABLE } from '../routes.tsx';

function menuItems(items: NavItem[]): MenuProps['items'] {
  const top = items.filter((i) => !i.group).map((i) => ({ key: i.path, label: <a href={i.path} onClick={(e) => e.preventDefault()}>{t(i.label)}</a> }));
  const settings = items.filter((i) => i.group === 'settings').map((i) => ({ key: i.path, label: <a href={i.path} onClick={(e) => e.preventDefault()}>{t(i.label)}</a> }));
  return settings.length ? [...top, { key: 'settings', label: t('web.menu.settings'), children: settings }] : top;
}

/** The frame around every page: the role's menu on the left (a drawer on a phone) and the user menu. */
export function AppLayout({ children }: { children: ReactNode }) {
  const me = useMe();
  const { logout } = useSession();
  const { location, navigate } = useRouter();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const [drawer, setDrawer] = useState(false);
  const live = useLive();
  const narrow = !screens.md;
  const items = menuFor(me.role, AVAILABLE);
  const selected = items.filter((i) => location.path === i.path || location.path.startsWith(`${i.path}/`)).map((i) => i.path);
  const onClick: MenuProps['onClick'] = ({ key }) => {
    setDrawer(false);
    navigate(key);
  };
  const menu = (
    <Menu
      theme="dark"
      mode="inline"
      selectedKeys={selected}
      defaultOpenKeys={location.path.startsWith('/settings') || me.role === 'admin' ? ['settings'] : []}
      items={menuItems(items)}
      onClick={onClick}
    />
  );
  const userMenu: MenuProps['items'] = [
    { key: 'password', icon: <KeyOutlined />, label: t('web.layout.changePassword'), onClick: () => navigate('/account/password') },
    {
      key: 'logout',
      icon: <LogoutOutlined />,
      label: t('web.layout.logout'),
      onClick: () => void logout().then(() => message.success(t('web.layout.loggedOut'))),
    },
  ];
  const brand = (
    <div className="ms-brand">
      <span>{t('web.app.name')}</span>
      <small>{t('web.app.subtitle')}</small>
    </div>
  );
  return (
    <Layout style={{ minHeight: '100%' }}>
      {narrow ? (
        <Drawer placement="left" open={drawer} onClose={() => setDrawer(false)} width={240} styles={{ body: { padding: 0, background: '#001529' }, header: { display: 'none' } }}>
          {brand}
          {menu}
        </Drawer>
      ) : (
        <Layout.Sider width={220} breakpoint="lg" collapsedWidth={0} style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}>
          {brand}
          {menu}
        </Layout.Sider>
      )}
      <Layout>
        <div className="ms-header">
          {narrow && (
            <Button type="text" icon={<MenuOutlined />} onClick={() => setDrawer(true)} style={{ marginRight: 'auto' }} aria-label={t('web.menu.settings')}>
              {t('web.app.name')}
            </Button>
          )}
          <Badge count={live.unread} size="small" overflowCount={99}>
            <Button type="text" icon={<BellOutlined />} onClick={() => navigate('/alerts')} aria-label={t('web.alerts.unread')} title={t('web.alerts.unread')} data-testid="alert-bell" />
          </Badge>
          <Dropdown menu={{ items: userMenu }} trigger={['click']}>
            <Button type="text" icon={<UserOutlined />} data-testid="user-menu">
              {me.name} <Tag style={{ marginLeft: 6 }}>{tk('web.role', me.role)}</Tag>
            </Button>
          </Dropdown>
        </div>
        <Layout.Content>{children}</Layout.Content>
      </Layout>
    </Layout>
  );
}
