"""The PostgreSQL backend: Django's, with bulk writes cut to fit server-side binding."""
