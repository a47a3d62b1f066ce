/**
 * Scanning the coordinator's QR code with the tablet's camera, where the browser can read
 * barcodes (BarcodeDetector, e.g. Chrome on Android). Elsewhere the button is not shown: the code
 * is typed, or the QR code is scanned with the camera app, which opens #/inscription/CODE.
 */
import { useEffect, useRef, useState } from 'react';

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorCtor = new (options: { formats: string[] }) => BarcodeDetectorLike;

function detectorClass(): BarcodeDetectorCtor | undefined {
  return (window as unknown as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;
}

export const canScan = () => typeof window !== 'undefined' && !!detectorClass() && !!navigator.mediaDevices?.getUserMedia;

/** The enrolment code in a scanned value: a link to #/inscription/CODE, or the code itself. */
export function codeFromScan(value: string): string | null {
  const fromLink = /#\/inscription\/([A-Za-z0-9-]{4,20})/.exec(value);
  if (fromLink) return fromLink[1].toUpperCase();
  const bare = value.trim().toUpperCase();
  return /^[A-Z0-9]{4}-?[A-Z0-9]{4}$/.test(bare) ? bare : null;
}

export function QrScanner({ onCode }: { onCode: (code: string) => void }) {
  const [active, setActive] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    if (!active) return;
    let stream: MediaStream | null = null;
    let stopped = false;
    const Detector = detectorClass()!;
    const detector = new Detector({ formats: ['qr_code'] });
    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
        if (stopped || !video.current) return;
        video.current.srcObject = stream;
        await video.current.play();
        while (!stopped) {
          const found = await detector.detect(video.current).catch(() => []);
          const code = found.map((b) => codeFromScan(b.rawValue)).find(Boolean);
          if (code) {
            onCode(code);
            setActive(false);
            return;
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      } catch {
        setError('La caméra n’est pas disponible : tapez le code.');
        setActive(false);
      }
    })();
    return () => {
      stopped = true;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [active, onCode]);

  if (!canScan()) return null;
  return (
    <div className="qr-scanner">
      {active ? (
        <>
          <video ref={video} className="qr-video" muted playsInline aria-label="Image de la caméra" />
          <button type="button" className="button button-ghost" onClick={() => setActive(false)}>
            Arrêter la caméra
          </button>
        </>
      ) : (
        <button type="button" className="button button-secondary" onClick={() => setActive(true)}>
          Scanner le QR code
        </button>
      )}
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}
