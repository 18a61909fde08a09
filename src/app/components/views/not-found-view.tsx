import { useDocumentTitle } from '../../hooks/use-document-title';
import { Link } from '../link';

/** An address the app has no view for (a mistyped or outdated link). */
export function NotFoundView() {
  useDocumentTitle('Page not found');
  return (
    <div className="view">
      <section className="card detail" aria-labelledby="not-found-heading">
        <h1 id="not-found-heading" tabIndex={-1}>
          There is no page at this address
        </h1>
        <p>Check the link, or go to one of your lists.</p>
        <p className="detail__links">
          <Link to="/references">My references</Link> · <Link to="/inbox">Requests for me</Link>
        </p>
      </section>
    </div>
  );
}
