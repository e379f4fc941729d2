import { Typography } from 'antd';
import type { ReactNode } from 'react';

export function PageTitle({ title, extra, intro }: { title: ReactNode; extra?: ReactNode; intro?: ReactNode }) {
  return (
    <div style={{ marginBottom: 12 }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, flexWrap: 'wrap' }}>
        <Typography.Title level={4} style={{ margin: 0, marginRight: 'auto' }}>
          {title}
        </Typography.Title>
        {extra}
      </div>
      {intro && (
        <Typography.Paragraph type="secondary" style={{ margin: '6px 0 0' }}>
          {intro}
        </Typography.Paragraph>
      )}
    </div>
  );
}
