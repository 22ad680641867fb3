import { Alert } from '@material-ui/lab';

/** The backend's warnings of a view (what it could not read, and why), one alert each. */
export function WarningAlerts(props: {
  warnings: readonly string[] | undefined;
}) {
  return (
    <>
      {props.warnings?.map(w => (
        <Alert key={w} severity="info">
          {w}
        </Alert>
      ))}
    </>
  );
}
