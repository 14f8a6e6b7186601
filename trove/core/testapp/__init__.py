"""Models for testing core mechanisms (encrypted fields, key rotation, the access policy) before real models use them.

Installed only under pytest (see the end of trove/settings.py). It has migrations although it is test-only: on
PostgreSQL the test runner creates the tables of an app without migrations before it migrates the others, so a test
model with a foreign key to a migrated app (Dossier -> agencies.Agency) could not be created. After changing a model
here, regenerate the migration with the app installed (the command is at the top of migrations/0001_initial.py).
"""
