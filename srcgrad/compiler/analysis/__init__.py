"""Facts about a program that the transforms read: activity, aliasing, shapes, names and their kinds, argument writes."""
