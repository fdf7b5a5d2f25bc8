"""The service's rules, as plain functions and classes over a database session: records
and imports, privacy, matching, planning and its jobs, placements, monitoring, the
outcome model, users and sign-in, the audit log, and the offline demo. No FastAPI
here: the routes, the pages and the command line call these and shape the answers."""
