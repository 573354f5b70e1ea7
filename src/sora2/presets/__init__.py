"""Presets: named create settings plus an optional prompt prefix/suffix ("style"); per user, or shared by admins."""
