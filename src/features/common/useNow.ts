/** The current date and time in Paris, refreshed every minute (a tablet stays open for days). */
import { useEffect, useState } from 'react';
import { parisDate, parisTime } from '../../domain/calendar';

export interface Now {
  today: string;
  time: string;
}

function read(): Now {
  const d = new Date();
  return { today: parisDate(d), time: parisTime(d) };
}

export function useNow(): Now {
  const [now, setNow] = useState(read);
  useEffect(() => {
    const timer = setInterval(() => {
      const next = read();
      setNow((prev) => (prev.today === next.today && prev.time === next.time ? prev : next));
    }, 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
