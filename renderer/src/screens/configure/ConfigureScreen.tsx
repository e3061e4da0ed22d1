import '../../components/ops-forms.css';
import './configure.css';
import { hrefTo } from '../../app/router';
import { PageHeader } from '../../components/ui';
import type { ScreenProps } from '../registry';
import { ConfigurationsSection } from './ConfigurationsSection';
import { JobsSection } from './JobsSection';

const TABS = [
  { path: 'configurations', label: 'Automatic configurations' },
  { path: 'jobs', label: 'Jobs' },
] as const;

/**
 * Configure: automatic configurations and jobs (`#/configure/configurations[/new|/<id>]`,
 * `#/configure/jobs[/new|/<id>]`). Viewers read; operators create, edit, delete and cancel.
 */
export function ConfigureScreen({ route }: ScreenProps) {
  const [tab = 'configurations', ...rest] = route.segments;
  const current = tab === 'jobs' ? 'jobs' : 'configurations';
  return (
    <>
      <PageHeader title="Configure" />
      <nav className="ops-tabs" aria-label="Configure sections">
        {TABS.map((t) => (
          <a
            key={t.path}
            href={hrefTo('configure', t.path)}
            aria-current={t.path === current ? 'page' : undefined}
          >
            {t.label}
          </a>
        ))}
      </nav>
      {current === 'jobs' ? <JobsSection segments={rest} /> : <ConfigurationsSection segments={rest} />}
    </>
  );
}
