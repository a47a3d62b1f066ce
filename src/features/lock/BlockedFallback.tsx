/**
 * What a blocked tablet shows if the « Tablette bloquée » screen (loaded on demand) cannot load:
 * the same message in short, never a blank page that someone might « repair » by clearing the
 * browser's data, which would lose the changes kept sealed for the coordination.
 */
import { Component, type ReactNode } from 'react';

function BlockedMessage() {
  return (
    <main className="app-main lock-screen" id="contenu">
      <section className="screen" aria-labelledby="blocked-fallback-title">
        <h1 id="blocked-fallback-title">Tablette bloquée</h1>
        <p>Trop de codes incorrects ont été tapés. Apportez la tablette à la coordination.</p>
        <p>
          <strong>N’effacez pas les données du navigateur</strong> : des modifications peuvent attendre d’être envoyées.
        </p>
        <button type="button" className="button button-large button-primary" onClick={() => window.location.reload()}>
          Recharger
        </button>
      </section>
    </main>
  );
}

export class BlockedFallback extends Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  render() {
    return this.state.failed ? <BlockedMessage /> : this.props.children;
  }
}
