import { HubEventsProvider } from '../api/events';
import { Layout } from './Layout';
import { LoginScreen } from './LoginScreen';
import { SessionProvider, useSessionContext } from './session';

function Gate() {
  const { session } = useSessionContext();
  if (!session) return <LoginScreen />;
  return (
    <HubEventsProvider>
      <Layout />
    </HubEventsProvider>
  );
}

/** The operator app: sign in, then the screens. */
export function App() {
  return (
    <SessionProvider>
      <Gate />
    </SessionProvider>
  );
}
