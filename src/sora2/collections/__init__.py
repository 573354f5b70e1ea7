"""Collections (projects, boards): named groups of one user's videos; a video may be in several."""
