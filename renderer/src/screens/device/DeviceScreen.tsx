import { PageHeader } from '../../components/ui';
import type { ScreenProps } from '../registry';

/** Not built yet: being written (operator-app issue). */
export function DeviceScreen(_props: ScreenProps) {
  return <PageHeader title="Device" />;
}
