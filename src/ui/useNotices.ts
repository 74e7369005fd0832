// App-level messages; separate from the recordings so History and the models report through them too.
import { useCallback, useState } from 'react';
import { withNotice, without, type Notice, type Severity } from './recordings/notices';

export function useNotices() {
  const [notices, setNotices] = useState<readonly Notice[]>([]);
  const notify = useCallback((severity: Severity, message: string) => setNotices((n) => withNotice(n, severity, message)), []);
  const dismissNotice = useCallback((id: string) => setNotices((n) => without(n, id)), []);
  return { notices, notify, dismissNotice };
}
